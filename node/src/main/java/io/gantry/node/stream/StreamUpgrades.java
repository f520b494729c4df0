package io.gantry.node.stream;

import io.gantry.node.pod.Attachment;
import io.gantry.node.pod.ExecTarget;
import io.gantry.node.pod.PodManager;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * Switches a node endpoint connection from HTTP to a streaming protocol, as the kubelet's
 * streaming server does: {@code /exec/{ns}/{pod}/{container}} over WebSocket
 * ({@code v5.channel.k8s.io}, {@code v4.channel.k8s.io}) or SPDY/3.1
 * ({@code X-Stream-Protocol-Version: v5|v4.channel.k8s.io}), {@code /attach/{ns}/{pod}/{container}}
 * the same ways ({@link AttachSession}); {@code /portForward/{ns}/{pod}}
 * over SPDY/3.1 ({@code portforward.k8s.io}) or SPDY tunneled in WebSocket
 * ({@code SPDY/3.1+portforward.k8s.io}). The pod is looked up on a virtual thread; a request
 * that cannot be served gets a plain-text error and the connection closes.
 */
public final class StreamUpgrades {

  static final List<String> EXEC_WEBSOCKET = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");
  static final List<String> EXEC_SPDY = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");
  static final String PORT_FORWARD_SPDY = "portforward.k8s.io";
  static final String PORT_FORWARD_WEBSOCKET = "SPDY/3.1+portforward.k8s.io";
  private static final int MAX_FRAME_BYTES = 1 << 20;

  private final PodManager pods;
  private final Executor executor;

  public StreamUpgrades(PodManager pods, Executor executor) {
    this.pods = pods;
    this.executor = executor;
  }

  /** Handles {@code /exec/...}, {@code /attach/...} or {@code /portForward/...}; called on the event loop. */
  public void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
    String kind = uri.path().substring(1, uri.path().indexOf('/', 1));
    boolean attach = kind.equals("attach");
    boolean exec = kind.equals("exec") || attach; // the streams of a command in a container
    String[] parts = uri.path().substring(kind.length() + 2).split("/");
    if (parts.length != (exec ? 3 : 2) || List.of(parts).contains("")) {
      reply(ctx, HttpResponseStatus.NOT_FOUND, exec ? "expected: /" + kind + "/{namespace}/{pod}/{container}\n"
          : "expected: /portForward/{namespace}/{pod}\n");
      return;
    }
    String websocket = header(request, HttpHeaderNames.UPGRADE).toLowerCase(Locale.ROOT);
    boolean isWebSocket = websocket.equals("websocket");
    boolean isSpdy = websocket.startsWith("spdy/3.1");
    if (!isWebSocket && !isSpdy) {
      reply(ctx, HttpResponseStatus.BAD_REQUEST, "Upgrade request required (Upgrade: websocket or SPDY/3.1)\n");
      return;
    }
    if (isWebSocket && !request.method().name().equals("GET")) { // RFC 6455 section 4.1, as Go's websocket answers
      reply(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "a WebSocket handshake must be a GET (RFC 6455)\n");
      return;
    }
    ExecRequest execRequest;
    try {
      execRequest = attach ? ExecRequest.parseAttach(uri.parameters())
          : exec ? ExecRequest.parse(uri.parameters()) : null;
    } catch (IllegalArgumentException e) {
      reply(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
      return;
    }
    String protocol = isWebSocket
        ? choose(values(request, HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL), exec ? EXEC_WEBSOCKET
            : List.of(PORT_FORWARD_WEBSOCKET))
        : choose(values(request, "X-Stream-Protocol-Version"), exec ? EXEC_SPDY : List.of(PORT_FORWARD_SPDY));
    if (protocol == null) {
      reply(ctx, HttpResponseStatus.FORBIDDEN, "unable to upgrade: unable to negotiate protocol: client supports "
          + values(request, isWebSocket ? HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL.toString()
              : "X-Stream-Protocol-Version") + ", server supports "
          + (exec ? EXEC_WEBSOCKET : List.of(isWebSocket ? PORT_FORWARD_WEBSOCKET : PORT_FORWARD_SPDY)) + "\n");
      return;
    }
    ctx.channel().config().setAutoRead(false);
    request.retain();
    executor.execute(() -> {
      try {
        ExecTarget target = attach ? null : pods.execTarget(parts[0], parts[1], exec ? parts[2] : null);
        Attachment attachment = attach ? pods.attachment(parts[0], parts[1], parts[2]) : null;
        ctx.executor().execute(() -> {
          try {
            upgrade(ctx, request, isWebSocket, protocol, target, attachment, execRequest, parts[0] + "/" + parts[1]);
          } finally {
            request.release();
          }
        });
      } catch (PodManager.NoTargetException e) {
        request.release();
        reply(ctx, HttpResponseStatus.NOT_FOUND, e.getMessage() + "\n");
      } catch (RuntimeException e) {
        request.release();
        reply(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot look up the pod: " + e + "\n");
      }
    });
  }

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, boolean isWebSocket, String protocol,
      ExecTarget target, Attachment attachment, ExecRequest execRequest, String podName) {
    ChannelPipeline pipeline = ctx.pipeline();
    WebSocketExecHandler.ExecSessionFactory sessions = execRequest == null ? null
        : attachment != null ? (c, transport) -> new AttachSession(execRequest, attachment, transport)
        : (c, transport) -> new ExecSession(c.channel(), execRequest, target, pods.network().commandPrefix(target.podUid()),
            pods.builtInLauncher(), transport);
    ChannelHandler handler = execRequest != null
        ? (isWebSocket ? new WebSocketExecHandler(sessions) : new SpdyExecHandler(execRequest, sessions))
        : new SpdyPortForwardHandler(target, podName);
    if (isWebSocket) {
      WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://node" + request.uri(),
          protocol, false, MAX_FRAME_BYTES).newHandshaker(request);
      if (handshaker == null) {
        WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      handshaker.handshake(ctx.channel(), request).addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          reply(ctx, HttpResponseStatus.BAD_REQUEST, "WebSocket handshake failed: " + f.cause().getMessage() + "\n");
          return;
        }
        if (execRequest == null) {
          pipeline.addLast("tunnel", new WebSocketTunnelCodec());
          pipeline.addLast("spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
        }
        pipeline.addLast("stream", handler);
        pipeline.remove(ctx.handler());
        ctx.channel().config().setAutoRead(true);
      });
      return;
    }
    HttpResponse switching = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    switching.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    switching.headers().set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
    switching.headers().set("X-Stream-Protocol-Version", protocol);
    ctx.writeAndFlush(switching);
    // the response went through the HTTP encoder above; from here on the connection is SPDY
    pipeline.remove("aggregate");
    pipeline.addAfter("http", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    pipeline.addLast("stream", handler);
    pipeline.remove(ctx.handler());
    pipeline.remove("http");
    ctx.channel().config().setAutoRead(true);
  }

  /** The first of the client's protocols (in its order of preference) that the server speaks. */
  private static String choose(List<String> offered, List<String> supported) {
    for (String p : offered) {
      if (supported.contains(p)) {
        return p;
      }
    }
    return null;
  }

  private static List<String> values(FullHttpRequest request, CharSequence name) {
    List<String> values = new ArrayList<>();
    for (String v : request.headers().getAll(name)) {
      for (String p : v.split(",")) {
        if (!p.isBlank()) {
          values.add(p.trim());
        }
      }
    }
    return values;
  }

  private static String header(FullHttpRequest request, CharSequence name) {
    String v = request.headers().get(name);
    return v == null ? "" : v.trim();
  }

  /** A plain-text answer, then the connection closes. Thread-safe. */
  public static void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
