package io.gantry.node.stream;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Exec over SPDY/3.1 ({@code v4.channel.k8s.io}, and {@code v5} which over SPDY is the same): the
 * client opens an {@code error} stream and one stream per requested standard stream
 * ({@code stdin}, {@code stdout}, {@code stderr}, {@code resize} with a terminal); the command
 * starts once all are open. Standard input ends with the client's FIN on stdin; the command's end
 * closes stdout and stderr and writes its status on the error stream.
 */
final class SpdyExecHandler extends SpdyStreamsHandler implements ExecSession.Transport {

  private static final long STREAMS_WAIT_SECONDS = 30;
  private static final long CLOSE_WAIT_SECONDS = 5;

  private final ExecRequest request;
  private final WebSocketExecHandler.ExecSessionFactory sessions;
  private final Map<String, Integer> streams = new HashMap<>();
  private final Set<String> expected;
  private ChannelHandlerContext ctx;
  private StreamSession session;
  private ScheduledFuture<?> streamsTimeout;

  SpdyExecHandler(ExecRequest request, WebSocketExecHandler.ExecSessionFactory sessions) {
    this.request = request;
    this.sessions = sessions;
    Set<String> want = new java.util.HashSet<>(Set.of("error"));
    if (request.stdin()) {
      want.add("stdin");
    }
    if (request.stdout()) {
      want.add("stdout");
    }
    if (request.stderr()) {
      want.add("stderr");
    }
    if (request.tty()) {
      want.add("resize");
    }
    this.expected = Set.copyOf(want);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // a client that never opens the streams it asked for is hung up on
    streamsTimeout = ctx.executor().schedule(() -> ctx.close(), STREAMS_WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  void stream(ChannelHandlerContext ctx, int id, String type, SpdySynStreamFrame syn) {
    if (type == null || streams.containsKey(type) || !expected.contains(type) || session != null) {
      ctx.close(); // a stream this exec did not ask for: a confused or hostile client
      return;
    }
    streams.put(type, id);
    if (streams.keySet().equals(expected)) {
      streamsTimeout.cancel(false);
      session = sessions.create(ctx, this);
      session.begin();
    }
  }

  @Override
  void data(ChannelHandlerContext ctx, int id, byte[] data, boolean last) {
    if (session == null) {
      return;
    }
    if (id == streams.getOrDefault("stdin", -1)) {
      session.stdin(data);
      if (last) {
        session.stdinClosed();
      }
    } else if (id == streams.getOrDefault("resize", -1)) {
      session.resize(data);
    }
  }

  @Override
  void reset(ChannelHandlerContext ctx, int id) {
    if (session != null && id == streams.getOrDefault("stdin", -1)) {
      session.stdinClosed();
    }
  }

  @Override
  public Future<?> write(int stream, byte[] data) {
    return send(ctx, streams.get(stream == 1 ? "stdout" : "stderr"), Unpooled.wrappedBuffer(data), false);
  }

  @Override
  public void end(byte[] status) {
    ctx.executor().execute(() -> {
      for (String type : new String[] {"stdout", "stderr"}) {
        if (streams.containsKey(type)) {
          send(ctx, streams.get(type), Unpooled.EMPTY_BUFFER, true);
        }
      }
      send(ctx, streams.get("error"), Unpooled.wrappedBuffer(status), true);
      // the client hangs up once it has read the status; a client that does not is hung up on
      ctx.executor().schedule(() -> ctx.close(), CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (session != null) {
      session.clientGone();
    }
    ctx.fireChannelInactive();
  }
}
