package io.gantry.node.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.node.pod.ExecTarget;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One exec between a protocol handler (WebSocket or SPDY) and its {@link ExecProcess}: starts the
 * command (with a terminal, after the client's first size message or half a second), queues
 * standard input with backpressure on the connection, parses terminal size messages
 * ({@code {"Width":W,"Height":H}}, possibly split or joined across frames) and hands the
 * command's output and end to the protocol's {@link Transport}.
 *
 * <p>Concurrency: every method but the {@link ExecProcess.Output} callbacks runs on the
 * connection's event loop; the callbacks run on virtual threads and only call the transport,
 * whose writes Netty makes thread-safe.
 */
final class ExecSession implements StreamSession, ExecProcess.Output {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long FIRST_SIZE_WAIT_MILLIS = 500;
  private static final int MAX_RESIZE_BYTES = 4096;
  private static final int EARLY_BYTES_MAX = 256 << 10;

  /** How the protocol carries output and the end. */
  interface Transport {
    Future<?> write(int stream, byte[] data);

    /** Sends the final status on the error stream and ends the connection. */
    void end(byte[] status);
  }

  private final Channel channel;
  private final ExecRequest request;
  private final ExecTarget target;
  private final List<String> prefix;
  private final List<String> javaLauncher;
  private final Transport transport;
  private final List<byte[]> early = new ArrayList<>();
  private int earlyBytes;
  private final ByteArrayOutputStream resizeBuffer = new ByteArrayOutputStream();
  private boolean earlyStdinClosed;
  private ExecProcess process;
  private boolean gone;

  ExecSession(Channel channel, ExecRequest request, ExecTarget target, List<String> prefix,
      List<String> javaLauncher, Transport transport) {
    this.channel = channel;
    this.request = request;
    this.target = target;
    this.prefix = prefix;
    this.javaLauncher = javaLauncher;
    this.transport = transport;
  }

  /** All streams are there: start now, or with a terminal once its size is known. */
  @Override
  public void begin() {
    if (request.tty()) {
      channel.eventLoop().schedule(() -> start(0, 0), FIRST_SIZE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      start(0, 0);
    }
  }

  private void start(int columns, int rows) {
    if (process != null || gone) {
      return;
    }
    process = ExecProcess.start(request, prefix, target.resolve(request.command(), javaLauncher), target.env(),
        target.workingDir(), columns, rows, this);
    boolean more = true;
    for (byte[] data : early) {
      more = process.stdin(data);
    }
    early.clear();
    channel.config().setAutoRead(more);
    if (earlyStdinClosed) {
      process.closeStdin();
    }
  }

  @Override
  public void stdin(byte[] data) {
    if (process == null) {
      early.add(data);
      earlyBytes += data.length;
      if (earlyBytes > EARLY_BYTES_MAX) {
        channel.config().setAutoRead(false); // until the command starts
      }
    } else if (!process.stdin(data)) {
      channel.config().setAutoRead(false);
    }
  }

  @Override
  public void stdinClosed() {
    if (process == null) {
      earlyStdinClosed = true;
    } else {
      process.closeStdin();
    }
  }

  /** Bytes of the resize stream: zero or more JSON objects. */
  @Override
  public void resize(byte[] data) {
    resizeBuffer.writeBytes(data);
    byte[] all = resizeBuffer.toByteArray();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '}') {
        size(java.util.Arrays.copyOfRange(all, start, i + 1));
        start = i + 1;
      }
    }
    resizeBuffer.reset();
    if (all.length - start > MAX_RESIZE_BYTES) {
      return; // not a size message: dropped rather than buffered without bound
    }
    resizeBuffer.write(all, start, all.length - start);
  }

  private void size(byte[] json) {
    try {
      JsonNode size = JSON.readTree(json);
      int columns = size.path("Width").asInt(0);
      int rows = size.path("Height").asInt(0);
      if (process == null) {
        start(columns, rows);
      } else {
        process.resize(columns, rows);
      }
    } catch (IOException e) {
      // a malformed size message changes nothing
    }
  }

  /** The connection ended: the command must not outlive it. */
  @Override
  public void clientGone() {
    gone = true;
    if (process != null) {
      process.kill();
    }
  }

  @Override
  public Future<?> write(int stream, byte[] data) {
    return transport.write(stream, data);
  }

  @Override
  public void exited(int code) {
    transport.end(ExitStatus.of(code));
  }

  @Override
  public void failed(String message) {
    transport.end(ExitStatus.failure(message));
  }

  @Override
  public void stdinDrained() {
    channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
  }
}
