package io.gantry.node.stream;

import io.gantry.node.PipeThreads;
import io.gantry.node.logs.ContainerLog;
import io.gantry.node.pod.Attachment;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code kubectl attach} to a running container, as the kubelet serves it: the container's
 * output from now on (what came before is in its log), the client's input to the container's
 * standard input when the container has one ({@code stdin: true}; closed when the client's input
 * ends or it detaches, with {@code stdinOnce}), and the end when the container exits, with a
 * Success status (an attach reports no exit code). Detaching leaves the container running. A
 * terminal is not emulated: a container's output stays a pipe, and with {@code tty} stderr comes on
 * the stdout stream.
 */
final class AttachSession implements StreamSession, ContainerLog.Listener {
  /** Queue markers: this session's input ended; the container's input is to be closed. */
  private static final byte[] DETACHED = new byte[0];
  private static final byte[] CLOSE = new byte[0];

  private final ExecRequest request;
  private final Attachment attachment;
  private final ExecSession.Transport transport;
  private final BlockingQueue<byte[]> stdin = new LinkedBlockingQueue<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private Thread stdinWriter;

  AttachSession(ExecRequest request, Attachment attachment, ExecSession.Transport transport) {
    this.request = request;
    this.attachment = attachment;
    this.transport = transport;
  }

  @Override
  public void begin() {
    attachment.log().addListener(this);
    attachment.process().onExit().thenRun(() -> Thread.ofVirtual().name("attach-end").start(this::containerEnded));
  }

  private void containerEnded() {
    for (Thread pump : attachment.pumps()) {
      try {
        pump.join(Duration.ofSeconds(5)); // the output's tail is handed on before the end
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    detach();
    if (ended.compareAndSet(false, true)) {
      transport.end(ExitStatus.of(0));
    }
  }

  @Override
  public void output(String stream, byte[] data) {
    boolean stdout = stream.equals("stdout") || request.tty();
    if (stdout ? request.stdout() : request.stderr()) {
      transport.write(stdout ? 1 : 2, data);
    }
  }

  @Override
  public void stdin(byte[] data) {
    if (attachment.stdin() == null || !request.stdin()) {
      return; // the container has no standard input: the client's is dropped, as the kubelet does
    }
    if (stdinWriter == null) {
      stdinWriter = PipeThreads.start("attach-stdin", this::writeStdin);
    }
    stdin.add(data);
  }

  @Override
  public void stdinClosed() {
    if (attachment.stdinOnce()) {
      closeStdin();
    }
  }

  @Override
  public void resize(byte[] data) {
    // no terminal to size
  }

  @Override
  public void clientGone() {
    detach();
    ended.set(true);
    if (attachment.stdinOnce()) {
      closeStdin();
    } else {
      stdin.add(DETACHED); // ends this session's writer, not the container's input
    }
  }

  private void detach() {
    attachment.log().removeListener(this);
  }

  private void closeStdin() {
    if (attachment.stdin() == null) {
      return;
    }
    if (stdinWriter == null) {
      try {
        attachment.stdin().close();
      } catch (IOException e) {
        // the container went away
      }
      return;
    }
    stdin.add(CLOSE);
  }

  /** Writes queued input to the container until this session detaches or closes the input. */
  private void writeStdin() {
    OutputStream out = attachment.stdin();
    try {
      while (true) {
        byte[] data = stdin.take();
        if (data == DETACHED) {
          return;
        }
        if (data == CLOSE) {
          out.close();
          return;
        }
        out.write(data);
        out.flush();
      }
    } catch (IOException e) {
      // the container closed its input or exited
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
