package io.gantry.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import java.io.IOException;
import java.util.function.IntConsumer;

/**
 * SPIKE (measured, then reverted; see README, Benchmarks): {@code --splice} on io_uring, both ways
 * from the connect on. Two modes: IORING_OP_SPLICE (default) and, with
 * {@code -Dgantry.spliceInline=true}, splice(2) called on the event loop (epoll's Native.splice)
 * with io_uring polls for readiness; inline needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}
 * to make Netty's accepted sockets non-blocking (its io_uring accept gives blocking ones).
 *
 * <p>One direction of a relayed connection moved by splice(2) through a pipe, as io_uring
 * operations on the channels' event loop: splice from the source socket into the pipe, then
 * from the pipe into the target socket, one operation at a time. The kernel runs splice on an
 * io-wq worker, so each splice is non-blocking and an empty source or a full target is waited
 * for with a poll rather than by a worker. The pipe (64 KiB) is all that is buffered, so a
 * target that stops reading stops the source. At end of input, an error, or when either channel
 * closes, the pump stops and hands the source back to Netty: a read then reports the end of
 * input (or the error) through the pipeline as without splice.
 */
final class UringSplicePump implements IoUringIoHandle {

  private static final byte OP_POLL_ADD = 6;
  private static final byte OP_ASYNC_CANCEL = 14;
  private static final byte OP_SPLICE = 30;
  private static final int SPLICE_F_MOVE = 1;
  private static final int SPLICE_F_NONBLOCK = 2;
  private static final int POLLIN = 0x1;
  private static final int POLLOUT = 0x4;
  private static final int POLLRDHUP = 0x2000;
  private static final int ASYNC_CANCEL_ALL = 1;
  private static final int ASYNC_CANCEL_FD = 2;
  private static final int ASYNC_CANCEL_OP = 32;
  private static final int EAGAIN = -11;
  private static final int CHUNK = 64 * 1024;

  private static final long IN = 1;
  private static final long OUT = 2;
  private static final long WAIT_IN = 3;
  private static final long WAIT_OUT = 4;
  private static final long CANCEL = 5;

  private final Channel from;
  private final Channel to;
  private final int fromFd;
  private final int toFd;
  private final IntConsumer moved;
  private final Runnable stopped;
  private FileDescriptor pipeOut;
  private FileDescriptor pipeIn;
  private IoRegistration registration;
  private int inPipe;
  private long pending;
  private boolean stopping;
  private boolean done;

  private UringSplicePump(Channel from, Channel to, IntConsumer moved, Runnable stopped) {
    this.from = from;
    this.to = to;
    this.fromFd = ((UnixChannel) from).fd().intValue();
    this.toFd = ((UnixChannel) to).fd().intValue();
    this.moved = moved;
    this.stopped = stopped;
  }

  /**
   * Starts moving {@code from}'s input to {@code to} (on their event loop, with Netty not
   * reading {@code from}); {@code moved} gets each spliced byte count, {@code stopped} runs when
   * the pump has handed {@code from} back.
   */
  static void start(Channel from, Channel to, IntConsumer moved, Runnable stopped) throws IOException {
    UringSplicePump pump = new UringSplicePump(from, to, moved, stopped);
    if (INLINE) {
      try {
        Class<?> io = Class.forName("sun.nio.ch.IOUtil");
        java.lang.reflect.Method newFd = io.getMethod("newFD", int.class);
        java.lang.reflect.Method blocking = io.getMethod("configureBlocking", java.io.FileDescriptor.class, boolean.class);
        blocking.invoke(null, newFd.invoke(null, pump.fromFd), false);
        blocking.invoke(null, newFd.invoke(null, pump.toFd), false);
      } catch (ReflectiveOperationException e) {
        throw new IOException(e);
      }
    }
    FileDescriptor[] pipe = FileDescriptor.pipe();
    pump.pipeOut = pipe[0];
    pump.pipeIn = pipe[1];
    ((IoEventLoop) from.eventLoop()).register(pump).addListener(f -> {
      if (!f.isSuccess()) {
        pump.release();
        pump.handBack(true);
        return;
      }
      pump.registration = (IoRegistration) f.getNow();
      pump.begin();
    });
  }

  private void begin() {
    // Netty's own poll for the peer's FIN would start a read of its own on the source, racing
    // the splice for its bytes: cancel Netty's polls on the source (not a read: it has none).
    registration.submit(new IoUringIoOps(OP_ASYNC_CANCEL, (byte) 0, (short) 0, fromFd, 0L, 0L, OP_POLL_ADD,
        ASYNC_CANCEL_ALL | ASYNC_CANCEL_FD | ASYNC_CANCEL_OP, CANCEL, (short) 0, (short) 0, 0, 0L));
    from.closeFuture().addListener(f -> stop());
    to.closeFuture().addListener(f -> stop());
    spliceIn();
  }

  static final boolean INLINE = Boolean.getBoolean("gantry.spliceInline");
  private int readyMask;

  private void spliceIn() {
    if (!INLINE) {
      submit(splice(fromFd, pipeIn.intValue(), CHUNK, IN));
      return;
    }
    for (int i = 0; i < 16; i++) {
      int n;
      try {
        n = io.netty.channel.epoll.Native.splice(fromFd, -1, pipeIn.intValue(), -1, CHUNK);
      } catch (IOException e) {
        finish(true);
        return;
      }
      if (n == 0) {
        if ((readyMask & (POLLRDHUP | 0x10 | 0x8)) != 0) {
          finish(false);
        } else {
          readyMask = 0;
          poll(fromFd, POLLIN | POLLRDHUP, WAIT_IN);
        }
        return;
      }
      readyMask = 0;
      inPipe = n;
      if (!drainInline()) {
        return;
      }
    }
    readyMask = 0;
    poll(fromFd, POLLIN | POLLRDHUP, WAIT_IN);
  }

  private boolean drainInline() {
    while (inPipe > 0) {
      int n;
      try {
        n = io.netty.channel.epoll.Native.splice(pipeOut.intValue(), -1, toFd, -1, inPipe);
      } catch (IOException e) {
        to.close();
        finish(true);
        return false;
      }
      if (n == 0) {
        poll(toFd, POLLOUT, WAIT_OUT);
        return false;
      }
      inPipe -= n;
      moved.accept(n);
    }
    return true;
  }

  private void spliceOut() {
    if (INLINE) {
      if (drainInline()) {
        spliceIn();
      }
      return;
    }
    submit(splice(pipeOut.intValue(), toFd, inPipe, OUT));
  }

  private static IoUringIoOps splice(int in, int out, int len, long data) {
    return new IoUringIoOps(OP_SPLICE, (byte) 0, (short) 0, out, -1L, -1L, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK,
        data, (short) 0, (short) 0, in, 0L);
  }

  private void poll(int fd, int mask, long data) {
    submit(new IoUringIoOps(OP_POLL_ADD, (byte) 0, (short) 0, fd, 0L, 0L, 0, mask, data, (short) 0, (short) 0, 0,
        0L));
  }

  private void submit(IoUringIoOps ops) {
    pending = registration.submit(ops);
  }

  @Override
  public void handle(IoRegistration registration, IoEvent event) {
    IoUringIoEvent e = (IoUringIoEvent) event;
    long op = e.userData();
    if (op == CANCEL) {
      return;
    }
    pending = 0;
    int res = e.res();
    if (stopping) {
      finish(true);
      return;
    }
    if (op == IN) {
      if (res > 0) {
        inPipe = res;
        spliceOut();
      } else if (res == EAGAIN) {
        poll(fromFd, POLLIN | POLLRDHUP, WAIT_IN);
      } else {
        finish(res != 0); // end of input: Netty's read reports it; an error (a reset) closes as Netty's read would
      }
    } else if (op == OUT) {
      if (res > 0) {
        inPipe -= res;
        moved.accept(res);
        if (inPipe > 0) {
          spliceOut();
        } else {
          spliceIn();
        }
      } else if (res == EAGAIN) {
        poll(toFd, POLLOUT, WAIT_OUT);
      } else {
        to.close(); // as a failed write closes the target
        finish(true);
      }
    } else if (op == WAIT_IN) {
      readyMask = res;
      spliceIn();
    } else {
      spliceOut();
    }
  }

  /** A channel closed: cancel what is in flight; its completion finishes the pump. */
  private void stop() {
    if (stopping || done) {
      return;
    }
    stopping = true;
    if (pending != 0) {
      registration.submit(new IoUringIoOps(OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0L, pending, 0, 0, CANCEL,
          (short) 0, (short) 0, 0, 0L));
    } else {
      finish(true);
    }
  }

  private void finish(boolean close) {
    if (done) {
      return;
    }
    done = true;
    release();
    registration.cancel();
    handBack(close || inPipe > 0);
  }

  private void handBack(boolean close) {
    if (close || !from.isActive() || !to.isActive()) {
      from.close();
    } else {
      from.config().setAutoRead(true);
    }
    stopped.run();
  }

  private void release() {
    closeQuietly(pipeOut);
    closeQuietly(pipeIn);
  }

  private static void closeQuietly(FileDescriptor fd) {
    try {
      fd.close();
    } catch (IOException ignored) {
      // nothing to do about a pipe that will not close
    }
  }

  @Override
  public void close() {
    release();
  }
}
