package io.gantry.control.server.http;

import io.gantry.control.server.api.ProxyPath;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code proxy} subresources of Services and Pods: relays one HTTP request to the backend
 * (a ready endpoint of the Service, or the pod's IP) and its answer back, as kube-apiserver's
 * reverse proxy does. Method, path below {@code /proxy}, query, body and headers go through
 * (without the client's credentials and the hop-by-hop headers, with {@code X-Forwarded-For});
 * the status, headers (without CORS headers) and body come back, streamed with each chunk
 * waiting for the previous write, so a slow client slows the relay instead of filling memory.
 * HTML pages and redirects get their absolute links rebased under the proxy path
 * ({@link HtmlLinks}). {@code GET} or {@code HEAD} of the bare {@code .../proxy} answers
 * {@code 301} to {@code .../proxy/}. A backend that cannot be reached answers {@code 503}
 * {@code Error trying to reach service: '...'}. HTTPS backends are not verified (upstream does
 * not verify them either).
 *
 * <p>Runs on a virtual thread, never on the event loop; a client that goes away cancels the call.
 */
final class ProxyRelay {

  /** The largest HTML page rewritten; larger ones pass unchanged. */
  static final int MAX_REWRITTEN_BYTES = 16 << 20;

  /** Request headers not relayed: the client's credentials and hop-by-hop headers (and what the client library sets). */
  private static final Set<String> DROPPED_REQUEST = Set.of("authorization", "host", "connection", "content-length",
      "transfer-encoding", "expect", "keep-alive", "proxy-authorization", "proxy-authenticate", "proxy-connection",
      "te", "trailer", "upgrade");

  /** Response headers not relayed: hop-by-hop, framing (Netty frames anew) and CORS, as upstream drops them. */
  private static final Set<String> DROPPED_RESPONSE = Set.of(":status", "connection", "keep-alive",
      "proxy-authenticate", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length",
      "access-control-allow-credentials", "access-control-allow-headers", "access-control-allow-methods",
      "access-control-allow-origin");

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER)
      .sslContext(InsecureTls.context())
      .build();

  /**
   * What the client asked for.
   *
   * @param method   the HTTP method
   * @param path     the parsed proxy path
   * @param rawQuery the query as sent, or null
   * @param headers  the request headers (a copy)
   * @param body     the request body
   * @param client   the client's address, for {@code X-Forwarded-For}
   */
  record Call(String method, ProxyPath path, String rawQuery, HttpHeaders headers, byte[] body, String client) {}

  private ProxyRelay() {}

  /** Where the client is sent for the bare {@code .../proxy}, or null when the request is relayed. */
  static String redirect(Call call) {
    if (!call.path().rest().isEmpty() || !(call.method().equals("GET") || call.method().equals("HEAD"))) {
      return null;
    }
    return call.path().prefix() + "/" + (call.rawQuery() == null || call.rawQuery().isEmpty() ? "" : "?" + call.rawQuery());
  }

  /**
   * Relays {@code call} to {@code backend} ({@code scheme://host:port}) and the answer to
   * {@code channel}; returns the status answered (0 when the client went away first).
   */
  static int relay(Channel channel, Call call, URI backend, boolean keepAlive) throws InterruptedException {
    String location = redirect(call);
    if (location != null) {
      FullHttpResponse moved = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY);
      moved.headers().set(HttpHeaderNames.LOCATION, location).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      finish(channel.writeAndFlush(moved), keepAlive);
      return 301;
    }
    HttpRequest request;
    try {
      request = request(call, backend);
    } catch (IllegalArgumentException e) {
      return unreachable(channel, backend, e.getMessage(), keepAlive);
    }
    CompletableFuture<java.net.http.HttpResponse<InputStream>> pending =
        HTTP.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    // a client that goes away cancels the call, or ends the answer's stream; removed once done, as a
    // kept-alive connection carries many calls
    InputStream[] body = new InputStream[1];
    ChannelFutureListener cancel = f -> {
      pending.cancel(true);
      synchronized (body) {
        if (body[0] != null) {
          body[0].close();
        }
      }
    };
    channel.closeFuture().addListener(cancel);
    try {
      java.net.http.HttpResponse<InputStream> response;
      try {
        response = pending.get();
      } catch (ExecutionException e) {
        return unreachable(channel, backend, reason(e.getCause()), keepAlive);
      } catch (java.util.concurrent.CancellationException e) {
        return 0;
      }
      try (InputStream in = response.body()) {
        synchronized (body) {
          body[0] = in;
        }
        if (channel.isActive()) {
          answer(channel, call, backend, response, in, keepAlive);
        }
      } catch (IOException e) {
        // the backend or the client went away mid-answer: end the connection
        channel.close();
      }
      return response.statusCode();
    } finally {
      channel.closeFuture().removeListener(cancel);
    }
  }

  private static HttpRequest request(Call call, URI backend) {
    String path = call.path().rest().isEmpty() ? "/" : call.path().rest();
    String query = call.rawQuery() == null || call.rawQuery().isEmpty() ? "" : "?" + call.rawQuery();
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(backend + path + query))
        .method(call.method(), call.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(call.body()));
    String forwardedFor = null;
    for (Map.Entry<String, String> header : call.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("x-forwarded-for")) {
        forwardedFor = forwardedFor == null ? header.getValue() : forwardedFor + ", " + header.getValue();
      } else if (!DROPPED_REQUEST.contains(name)) {
        try {
          builder.header(header.getKey(), header.getValue());
        } catch (IllegalArgumentException e) {
          // a header the HTTP client sets itself (or refuses): left out
        }
      }
    }
    builder.header("X-Forwarded-For", forwardedFor == null ? call.client() : forwardedFor + ", " + call.client());
    return builder.build();
  }

  private static void answer(Channel channel, Call call, URI backend, java.net.http.HttpResponse<InputStream> response,
      InputStream in, boolean keepAlive) throws IOException, InterruptedException {
    HttpResponseStatus status = HttpResponseStatus.valueOf(response.statusCode());
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (DROPPED_RESPONSE.contains(name)) {
        continue;
      }
      for (String value : header.getValue()) {
        head.headers().add(header.getKey(), name.equals("location") && status.code() / 100 == 3
            ? HtmlLinks.url(value, call.path().prefix(), backend.getRawAuthority()) : value);
      }
    }
    long length = response.headers().firstValueAsLong("content-length").orElse(-1);
    boolean noBody = call.method().equals("HEAD") || status.code() == 204 || status.code() == 304
        || status.code() / 100 == 1;
    if (noBody) {
      if (length >= 0 && call.method().equals("HEAD")) {
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
      }
      channel.write(head);
      finish(channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive);
      return;
    }
    if (isHtml(response)) {
      byte[] page = in.readNBytes(MAX_REWRITTEN_BYTES + 1);
      if (page.length <= MAX_REWRITTEN_BYTES) {
        byte[] rewritten = HtmlLinks.rewrite(new String(page, StandardCharsets.ISO_8859_1), call.path().prefix(),
            backend.getRawAuthority()).getBytes(StandardCharsets.ISO_8859_1);
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, rewritten.length);
        channel.write(head);
        finish(channel.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(rewritten))), keepAlive);
        return;
      }
      head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      length = -1;
      channel.write(head);
      if (!written(channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(page))))) {
        return;
      }
    } else {
      if (length >= 0) {
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
      } else {
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
      channel.write(head);
    }
    // With a Content-Length the client holds the whole answer once the last byte arrives and may send its
    // next request at once: that byte goes out in the LastHttpContent, or the next answer's head could
    // reach the encoder before this answer's end and be refused.
    long remaining = length >= 0 ? length : Long.MAX_VALUE;
    byte[] buffer = new byte[16384];
    int n;
    while (remaining > 0 && channel.isActive() && (n = in.read(buffer)) > 0) {
      remaining -= n;
      var chunk = Unpooled.wrappedBuffer(Arrays.copyOf(buffer, n));
      if (remaining <= 0) {
        finish(channel.writeAndFlush(new DefaultLastHttpContent(chunk)), keepAlive);
        return;
      }
      if (!written(channel.writeAndFlush(new DefaultHttpContent(chunk)))) {
        return;
      }
    }
    if (length >= 0 && remaining > 0) {
      channel.close(); // the backend ended short of its Content-Length: the client must not wait for the rest
    } else if (channel.isActive()) {
      finish(channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive);
    }
  }

  /** A page to rewrite: {@code text/html} and not compressed. */
  private static boolean isHtml(java.net.http.HttpResponse<InputStream> response) {
    String type = response.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
    String encoding = response.headers().firstValue("content-encoding").orElse("identity").toLowerCase(Locale.ROOT);
    return type.startsWith("text/html") && encoding.equals("identity");
  }

  /** Waits for a write; false (and the connection closed) when it failed or the client stopped reading. */
  private static boolean written(ChannelFuture write) throws InterruptedException {
    try {
      write.get(30, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      write.channel().close();
      return false;
    }
  }

  private static void finish(ChannelFuture last, boolean keepAlive) {
    if (!keepAlive) {
      last.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Upstream's answer when the backend cannot be reached: 503, plain text. */
  private static int unreachable(Channel channel, URI backend, String reason, boolean keepAlive) {
    byte[] body = ("Error trying to reach service: 'dial tcp " + backend.getRawAuthority() + ": " + reason + "'")
        .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .set("X-Content-Type-Options", "nosniff")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    finish(channel.writeAndFlush(response), keepAlive);
    return 503;
  }

  private static String reason(Throwable cause) {
    if (cause instanceof HttpConnectTimeoutException) {
      return "i/o timeout";
    }
    if (cause instanceof ConnectException) {
      return "connect: connection refused";
    }
    return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }
}
