package io.gantry.control.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code kubectl logs -f}: relays the node agent's followed log to the client as a chunked
 * response. Runs on a virtual thread, never on the event loop; each chunk waits for the previous
 * write to complete, so a slow reader slows the relay instead of filling memory; a closed client
 * connection closes the node stream.
 */
final class LogFollowStream {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
      .version(HttpClient.Version.HTTP_1_1).build();

  private LogFollowStream() {}

  /**
   * Relays {@code node} to {@code channel}, presenting {@code authorization} (or nothing when null);
   * throws IOException if the node cannot be reached at all.
   */
  static void relay(Channel channel, URI node, String authorization, boolean keepAlive)
      throws IOException, InterruptedException {
    HttpRequest.Builder toNode = HttpRequest.newBuilder(node);
    if (authorization != null) {
      toNode.header("Authorization", authorization);
    }
    java.net.http.HttpResponse<InputStream> response =
        HTTP.send(toNode.build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    InputStream in = response.body();
    if (response.statusCode() != 200) {
      in.close();
      throw new IOException("node answered " + response.statusCode());
    }
    // from here on the response has begun: failures end it instead of answering again
    try (in) {
      channel.closeFuture().addListener(f -> in.close());
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      channel.writeAndFlush(head);
      byte[] buffer = new byte[16384];
      int n;
      while (channel.isActive() && (n = in.read(buffer)) > 0) {
        var written = channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(Arrays.copyOf(buffer, n))));
        try {
          written.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          channel.close();
          return;
        }
      }
    } catch (IOException e) {
      // the node or the client went away: end the stream
    }
    if (channel.isActive()) {
      var last = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      if (!keepAlive) {
        last.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
