package io.gantry.control.server.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code kubectl exec} and {@code kubectl port-forward}: an upgrade-aware transparent proxy, as
 * kube-apiserver's is. The client's upgrade request goes to the node agent (path rewritten to the
 * agent's {@code /exec/...} or {@code /portForward/...}, credentials dropped), and from then on
 * the bytes flow both ways untouched: the agent's {@code 101 Switching Protocols} (or its error)
 * and the WebSocket or SPDY streams that follow. The node connection is opened on the client
 * connection's event loop; both sides read only when the other side has taken the last chunk.
 */
final class PodStreamProxy {

  /** Request headers not passed to the node: the client's credentials and hop-by-hop framing. */
  private static final Set<String> DROPPED = Set.of("authorization", "host", "content-length", "transfer-encoding",
      "expect", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer");
  private static final int CONNECT_TIMEOUT_MILLIS = 5000;

  private PodStreamProxy() {}

  /** Whether the request asks to switch protocols ({@code Connection: Upgrade} and an {@code Upgrade}). */
  static boolean isUpgrade(HttpHeaders headers) {
    return headers.contains(HttpHeaderNames.UPGRADE)
        && headers.getAll(HttpHeaderNames.CONNECTION).stream()
            .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("upgrade"));
  }

  /**
   * Connects to {@code node} and hands the client connection over to the relay; call on the client
   * connection's event loop, with its auto-read off. {@code unreachable} answers the client when
   * the node cannot be reached.
   */
  static void open(ChannelHandlerContext ctx, String method, HttpHeaders headers, URI node, String authorization,
      Consumer<String> unreachable) {
    Channel client = ctx.channel();
    Bootstrap bootstrap = new Bootstrap().group(client.eventLoop())
        .channel(client instanceof EpollSocketChannel ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .handler(new RelayHandler(client));
    bootstrap.connect(node.getHost().replace("[", "").replace("]", ""), node.getPort())
        .addListener((ChannelFutureListener) f -> {
          if (!f.isSuccess()) {
            unreachable.accept("cannot reach the node agent at " + node.getHost() + ":" + node.getPort() + ": "
                + f.cause().getMessage());
            return;
          }
          Channel backend = f.channel();
          if (!client.isActive()) {
            backend.close();
            return;
          }
          client.closeFuture().addListener(c -> backend.close());
          backend.writeAndFlush(Unpooled.copiedBuffer(head(method, headers, node, authorization),
              StandardCharsets.ISO_8859_1));
          ChannelPipeline pipeline = client.pipeline();
          pipeline.addLast("relay", new RelayHandler(backend));
          pipeline.remove("api");
          pipeline.remove("sequence");
          pipeline.remove("flow");
          pipeline.remove("aggregate");
          pipeline.remove("http");
          client.read();
        });
  }

  /** The request line and headers for the node; no body (upgrade requests have none). */
  private static String head(String method, HttpHeaders headers, URI node, String authorization) {
    StringBuilder head = new StringBuilder(method).append(' ').append(node.getRawPath());
    if (node.getRawQuery() != null) {
      head.append('?').append(node.getRawQuery());
    }
    head.append(" HTTP/1.1\r\nHost: ").append(node.getHost()).append(':').append(node.getPort()).append("\r\n");
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!DROPPED.contains(name) && !h.getValue().contains("\r") && !h.getValue().contains("\n")) {
        head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
    }
    if (authorization != null) { // the control component's credential, not the client's (dropped above)
      head.append("Authorization: ").append(authorization).append("\r\n");
    }
    if (method.equals("POST")) {
      head.append("Content-Length: 0\r\n");
    }
    return head.append("\r\n").toString();
  }
}
