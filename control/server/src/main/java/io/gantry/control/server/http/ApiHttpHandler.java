package io.gantry.control.server.http;

import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.api.ApiRequest;
import io.gantry.control.server.api.ApiResponse;
import io.gantry.control.server.api.ApiRouter;
import io.gantry.control.server.api.ProxyPath;
import io.gantry.control.server.api.ResourcePath;
import io.gantry.control.server.auth.TokenUser;
import io.gantry.control.server.registry.ObjectWatcher;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates each request on the event loop (the admin token; a service-account token, whose
 * check reads the store, on a virtual thread and then back on the loop), then runs it on a virtual
 * thread (the store blocks) and writes the answer back. Watches become a {@link WatchStream}; exec and port-forward
 * upgrades a {@link PodStreamProxy}; {@code services|pods/{id}/proxy/...} a {@link ProxyRelay}.
 */
final class ApiHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(ApiHttpHandler.class);

  private final ApiRouter router;
  private final ObjectWatcher watcher;
  private final Predicate<String> tokenCheck;
  private final Executor executor;
  private final Clock clock;
  private final ApiMetrics metrics;

  ApiHttpHandler(ApiRouter router, ObjectWatcher watcher, Predicate<String> tokenCheck, Executor executor,
      Clock clock, ApiMetrics metrics) {
    this.metrics = metrics;
    this.router = router;
    this.watcher = watcher;
    this.tokenCheck = tokenCheck;
    this.executor = executor;
    this.clock = clock;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
    boolean keepAlive = HttpUtil.isKeepAlive(msg);
    if (!msg.decoderResult().isSuccess()) {
      Throwable cause = msg.decoderResult().cause();
      if (cause instanceof io.netty.handler.codec.TooLongFrameException) { // line or headers over the limit
        write(ctx, ApiResponse.error(new ApiException(431, "RequestHeaderFieldsTooLarge", "the request line and"
            + " headers are larger than " + ApiServer.MAX_HEADER_BYTES + " bytes", null)), false);
      } else {
        write(ctx, ApiResponse.error(ApiException.badRequest("malformed HTTP request: " + cause.getMessage())), false);
      }
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
    String decodedPath;
    Map<String, List<String>> decodedParameters;
    try { // decoded here, once: a malformed escape (%zz) is the client's error, as Go's invalid URL escape
      decodedPath = uri.path();
      decodedParameters = uri.parameters();
    } catch (IllegalArgumentException e) {
      write(ctx, ApiResponse.error(ApiException.badRequest("invalid URL escape " + quoted(badEscape(msg.uri())))),
          false);
      return;
    }
    // the deprecated /watch/ prefix: the same as ?watch=true on the resource
    Optional<String> watched = msg.method() == HttpMethod.GET ? ResourcePath.legacyWatch(decodedPath) : Optional.empty();
    String path = watched.orElse(decodedPath);
    Map<String, List<String>> parameters = decodedParameters;
    if (watched.isPresent()) {
      parameters = new HashMap<>(decodedParameters);
      parameters.put("watch", List.of("true"));
    }
    String bearer = bearerToken(msg);
    if (ApiRouter.isPublic(path) || bearer != null && tokenCheck.test(bearer)) {
      dispatch(ctx, msg, path, parameters, keepAlive, null);
      return;
    }
    if (bearer == null || !router.mayBeServiceAccountToken(bearer)) {
      write(ctx, ApiResponse.error(ApiException.unauthorized()), keepAlive);
      return;
    }
    // a service-account token: checking it reads the store, so off the event loop, then back on it
    Map<String, List<String>> query = parameters;
    msg.retain();
    executor.execute(() -> {
      Optional<TokenUser> user;
      try {
        user = router.authenticateServiceAccount(bearer);
      } catch (RuntimeException e) {
        log.warn("checking a service-account token failed", e);
        user = Optional.empty();
      }
      Optional<TokenUser> found = user;
      ctx.executor().execute(() -> {
        try {
          if (found.isEmpty()) {
            write(ctx, ApiResponse.error(ApiException.unauthorized()), keepAlive);
          } else {
            dispatch(ctx, msg, path, query, keepAlive, found.get());
          }
        } finally {
          msg.release();
        }
      });
    });
  }

  /** Serves an authenticated request; {@code user} is null for the admin. On the event loop. */
  private void dispatch(ChannelHandlerContext ctx, FullHttpRequest msg, String path,
      Map<String, List<String>> parameters, boolean keepAlive, TokenUser user) {
    ApiRequest request = new ApiRequest(msg.method().name(), path, parameters,
        msg.headers().get(HttpHeaderNames.ACCEPT), msg.headers().get(HttpHeaderNames.CONTENT_TYPE),
        ByteBufUtil.getBytes(msg.content()), msg.headers().get(HttpHeaderNames.USER_AGENT),
        msg.headers().get(HttpHeaderNames.IF_NONE_MATCH), user);
    Optional<ProxyPath> proxy = ProxyPath.parse(rawPath(msg.uri()));
    if (proxy.isPresent()) {
      proxy(ctx, msg, proxy.get(), keepAlive);
      return;
    }
    Optional<ResourcePath> stream = ResourcePath.parse(path).filter(ApiRouter::isPodStream);
    if (stream.isPresent()) {
      podStream(ctx, msg, stream.get(), request);
      return;
    }
    if (request.isWatch()) {
      Optional<ResourcePath> resource = ResourcePath.parse(path);
      if (resource.isEmpty()) {
        write(ctx, ApiResponse.error(ApiException.pathNotFound()), keepAlive);
        return;
      }
      metrics.watchOpened();
      ctx.channel().closeFuture().addListener(f -> metrics.watchClosed());
      executor.execute(() -> {
        try {
          new WatchStream(ctx.channel(), resource.get(), request, clock, keepAlive).start(watcher);
        } catch (ApiException e) {
          write(ctx, ApiResponse.error(e), keepAlive);
        } catch (RuntimeException e) {
          log.error("watch {} failed", msg.uri(), e);
          ctx.close();
        }
      });
      return;
    }
    Optional<ResourcePath> logPath = ResourcePath.parse(path).filter(r -> ApiRouter.isLogFollow(r, request));
    if (logPath.isPresent()) {
      executor.execute(() -> {
        try {
          LogFollowStream.relay(ctx.channel(), router.followLogs(logPath.get(), request), router.nodeAuthorization(),
              keepAlive);
        } catch (ApiException e) {
          write(ctx, ApiResponse.error(e), keepAlive);
        } catch (java.io.IOException e) {
          write(ctx, ApiResponse.error(new ApiException(503, "ServiceUnavailable",
              "cannot reach the node for logs: " + e.getMessage(), null)), keepAlive);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          ctx.close();
        }
      });
      return;
    }
    long started = System.nanoTime();
    executor.execute(() -> {
      ApiResponse response = router.handle(request);
      write(ctx, response, keepAlive);
      Optional<ResourcePath> resource = ResourcePath.parse(path);
      metrics.record(ApiMetrics.verb(request.method(), resource.map(r -> r.name() != null).orElse(true), false),
          resource.map(r -> r.type().plural()).orElse(""), response.status(), System.nanoTime() - started);
    });
  }

  /** {@code pods/{name}/exec|portforward}: resolved off the loop, then relayed to the node agent. */
  private void podStream(ChannelHandlerContext ctx, FullHttpRequest msg, ResourcePath path, ApiRequest request) {
    if (!PodStreamProxy.isUpgrade(msg.headers())) {
      write(ctx, ApiResponse.error(ApiException.badRequest("Upgrade request required")), HttpUtil.isKeepAlive(msg));
      return;
    }
    String method = msg.method().name();
    HttpHeaders headers = msg.headers().copy();
    ctx.channel().config().setAutoRead(false);
    executor.execute(() -> {
      try {
        URI node = router.podStream(path, request);
        ctx.executor().execute(() -> PodStreamProxy.open(ctx, method, headers, node, router.nodeAuthorization(),
            message -> write(ctx, ApiResponse.error(new ApiException(503, "ServiceUnavailable", message, null)),
                false)));
      } catch (ApiException e) {
        write(ctx, ApiResponse.error(e), false);
      } catch (RuntimeException e) {
        log.error("{} {} failed", method, msg.uri(), e);
        write(ctx, ApiResponse.error(ApiException.internal(e.toString())), false);
      }
    });
  }

  /** {@code services|pods/{id}/proxy/...}: the backend resolved and the request relayed, both off the loop. */
  private void proxy(ChannelHandlerContext ctx, FullHttpRequest msg, ProxyPath path, boolean keepAlive) {
    String uri = msg.uri();
    int question = uri.indexOf('?');
    String client = ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress address
        ? address.getAddress().getHostAddress() : "";
    ProxyRelay.Call call = new ProxyRelay.Call(msg.method().name(), path,
        question < 0 ? null : uri.substring(question + 1), msg.headers().copy(), ByteBufUtil.getBytes(msg.content()),
        client);
    long started = System.nanoTime();
    executor.execute(() -> {
      int status = 0;
      try {
        status = ProxyRelay.relay(ctx.channel(), call, router.proxyTarget(path), keepAlive);
      } catch (ApiException e) {
        status = e.code();
        write(ctx, ApiResponse.error(e), keepAlive);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ctx.close();
      } catch (RuntimeException e) {
        log.error("{} {} failed", call.method(), uri, e);
        status = 500;
        write(ctx, ApiResponse.error(ApiException.internal(e.toString())), keepAlive);
      }
      metrics.record("CONNECT", path.type().plural(), status,
          System.nanoTime() - started);
    });
  }

  /** The first {@code %} of {@code uri} not followed by two hex digits, with what follows it (Go names it so). */
  static String badEscape(String uri) {
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0
          || Character.digit(uri.charAt(i + 2), 16) < 0) {
        return uri.substring(i, Math.min(uri.length(), i + 3));
      }
    }
    return uri.length() > 64 ? uri.substring(0, 64) + "..." : uri;
  }

  /** The path of a request target as sent (still percent-encoded), without its query. */
  private static String rawPath(String uri) {
    int question = uri.indexOf('?');
    return question < 0 ? uri : uri.substring(0, question);
  }

  /** The request's bearer token, or null. */
  private static String bearerToken(FullHttpRequest msg) {
    String header = msg.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).trim();
  }

  private static void write(ChannelHandlerContext ctx, ApiResponse response, boolean keepAlive) {
    FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
    http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
    for (String warning : response.warnings()) {
      http.headers().add(HttpHeaderNames.WARNING, "299 - " + quoted(warning));
    }
    if (response.retryAfterSeconds() > 0) {
      http.headers().setInt(HttpHeaderNames.RETRY_AFTER, response.retryAfterSeconds());
    }
    response.headers().forEach(http.headers()::set);
    if (keepAlive) {
      http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(http);
    } else {
      ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** A warning text as an RFC 7234 quoted string, printable ASCII only (names may come from clients). */
  static String quoted(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c >= 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
