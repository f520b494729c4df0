package io.gantry.node.server;

import io.gantry.node.logs.LogFiles;
import io.gantry.node.stream.StreamUpgrades;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /containerLogs/{ns}/{pod}/{container}} with {@code tailLines}, {@code previous},
 * {@code timestamps} and {@code follow}, as the kubelet serves it to the API server. Files are read
 * on virtual threads; a followed log waits for each chunk's write, so a slow reader slows it.
 */
final class LogRequests {

  private final LogFiles logs;
  private final Executor executor;

  LogRequests(LogFiles logs, Executor executor) {
    this.logs = logs;
    this.executor = executor;
  }

  void handle(ChannelHandlerContext ctx, String method, String path, Map<String, List<String>> query) {
    String[] parts = path.substring("/containerLogs/".length()).split("/");
    if (!"GET".equals(method) || parts.length < 2 || parts.length > 3) {
      StreamUpgrades.reply(ctx, HttpResponseStatus.NOT_FOUND,
          "expected: GET /containerLogs/{namespace}/{pod}/{container}\n");
      return;
    }
    int tail;
    try {
      tail = Integer.parseInt(param(query, "tailLines", "-1"));
    } catch (NumberFormatException e) {
      StreamUpgrades.reply(ctx, HttpResponseStatus.BAD_REQUEST,
          "tailLines: " + param(query, "tailLines", "") + " (expected: a number)\n");
      return;
    }
    boolean timestamps = Boolean.parseBoolean(param(query, "timestamps", "false"));
    boolean follow = Boolean.parseBoolean(param(query, "follow", "false")) && parts.length == 3;
    boolean previous = Boolean.parseBoolean(param(query, "previous", "false"));
    executor.execute(() -> {
      try {
        if (follow) {
          follow(ctx.channel(), parts, tail, timestamps);
          return;
        }
        String text = logs.read(parts[0], parts[1], parts.length == 3 ? parts[2] : null, previous, tail, timestamps);
        if (text == null) {
          StreamUpgrades.reply(ctx, HttpResponseStatus.NOT_FOUND, "no log for " + String.join("/", parts) + "\n");
        } else {
          StreamUpgrades.reply(ctx, HttpResponseStatus.OK, text);
        }
      } catch (IOException e) {
        StreamUpgrades.reply(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot read the log: " + e + "\n");
      }
    });
  }

  /** Chunked: the log so far, then each new line, until the container stops or the reader goes. */
  private void follow(Channel channel, String[] parts, int tail, boolean timestamps) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    channel.writeAndFlush(head);
    try {
      logs.follow(parts[0], parts[1], parts[2], tail, timestamps, text -> {
        if (!channel.isActive()) {
          throw new IOException("the reader went away");
        }
        try {
          channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)))
              .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          throw new IOException("the reader stopped reading", e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      });
    } catch (IOException e) {
      // the reader went away or the log cannot be read: end the stream
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
  }

  private static String param(Map<String, List<String>> query, String name, String fallback) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? fallback : values.get(0);
  }
}
