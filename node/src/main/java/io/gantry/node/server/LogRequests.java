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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /containerLogs/{ns}/{pod}/{container}} with {@code tailLines}, {@code previous},
 * {@code timestamps}, {@code sinceSeconds} or {@code sinceTime}, {@code limitBytes} and
 * {@code follow}, as the kubelet serves it to the API server. Files are read
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
    long limitBytes;
    Instant since;
    try {
      tail = Integer.parseInt(param(query, "tailLines", "-1"));
      limitBytes = Long.parseLong(param(query, "limitBytes", "-1"));
      since = since(query);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      StreamUpgrades.reply(ctx, HttpResponseStatus.BAD_REQUEST, "tailLines " + param(query, "tailLines", "")
          + ", limitBytes " + param(query, "limitBytes", "") + ", sinceSeconds " + param(query, "sinceSeconds", "")
          + ", sinceTime " + param(query, "sinceTime", "") + ": " + e.getMessage()
          + " (expected: whole numbers, and an RFC 3339 time)\n");
      return;
    }
    boolean timestamps = Boolean.parseBoolean(param(query, "timestamps", "false"));
    boolean follow = Boolean.parseBoolean(param(query, "follow", "false")) && parts.length == 3;
    boolean previous = Boolean.parseBoolean(param(query, "previous", "false"));
    executor.execute(() -> {
      try {
        if (follow) {
          follow(ctx.channel(), parts, tail, timestamps, since, limitBytes);
          return;
        }
        String text = logs.read(parts[0], parts[1], parts.length == 3 ? parts[2] : null, previous, tail, timestamps,
            since);
        if (text != null && limitBytes >= 0) {
          text = limit(text, limitBytes);
        }
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
  private void follow(Channel channel, String[] parts, int tail, boolean timestamps, Instant since, long limitBytes) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    channel.writeAndFlush(head);
    long[] left = {limitBytes < 0 ? Long.MAX_VALUE : limitBytes};
    try {
      logs.follow(parts[0], parts[1], parts[2], tail, timestamps, since, chunk -> {
        if (!channel.isActive()) {
          throw new IOException("the reader went away");
        }
        if (left[0] <= 0) {
          throw new IOException("limitBytes reached");
        }
        String text = limit(chunk, left[0]);
        left[0] -= text.getBytes(StandardCharsets.UTF_8).length;
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

  /** {@code sinceSeconds} before now, or {@code sinceTime}; null when neither is given. */
  private static Instant since(Map<String, List<String>> query) {
    String seconds = param(query, "sinceSeconds", null);
    if (seconds != null) {
      long value = Long.parseLong(seconds);
      if (value < 1) {
        throw new IllegalArgumentException("sinceSeconds must be positive");
      }
      return Instant.now().minusSeconds(value);
    }
    String time = param(query, "sinceTime", null);
    return time == null ? null : OffsetDateTime.parse(time).toInstant();
  }

  /** The longest prefix of {@code text} of at most {@code bytes} UTF-8 bytes (a split character is dropped). */
  static String limit(String text, long bytes) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= bytes) {
      return text;
    }
    int end = (int) bytes;
    while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(utf8, 0, end, StandardCharsets.UTF_8);
  }

  private static String param(Map<String, List<String>> query, String name, String fallback) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? fallback : values.get(0);
  }
}
