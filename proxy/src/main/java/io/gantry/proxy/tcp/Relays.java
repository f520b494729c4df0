package io.gantry.proxy.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.nio.channels.NotYetConnectedException;

/**
 * Closing and half-closing the two sides of a relayed connection. Where nothing is queued they
 * act at once, without an empty write and its promise (measured per connection in bin/bench proxy).
 */
final class Relays {

  /** Closes after what is queued has been written. */
  static void closeOnFlush(Channel ch) {
    if (ch == null) {
      return;
    }
    if (ch.isActive() && !nothingQueued(ch)) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      ch.close();
    }
  }

  /** Refuses at once: SO_LINGER 0 makes close send a TCP reset. */
  static void reset(Channel ch) {
    try {
      ch.config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (RuntimeException ignored) {
      // the socket is already gone; a plain close does
    }
    ch.close();
  }

  /**
   * Passes a FIN on: {@code from} reached end of input, so after what is queued for {@code to}
   * has been written, {@code to}'s output is shut down. The connection closes once the client
   * side ({@code inbound}) is shut both ways; when {@code to} has already seen its own end of
   * input, both ways are done and the client side closes at once (closing the endpoint side
   * after it, and a close sends the FIN).
   */
  static void forwardHalfClose(Channel to, Channel inbound) {
    if (!(to instanceof DuplexChannel duplex) || !to.isActive() || duplex.isInputShutdown()) {
      closeOnFlush(inbound);
      return;
    }
    if (nothingQueued(to)) {
      shutdownOutput(duplex, inbound);
      return;
    }
    to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
      if (!f.isSuccess()) {
        inbound.close();
        return;
      }
      shutdownOutput(duplex, inbound);
    });
  }

  private static void shutdownOutput(DuplexChannel to, Channel inbound) {
    if (to instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
      // The socket's own shutdown, which Netty's channel reports from (isOutputShutdown): Netty's
      // shutdownOutput builds an exception with a stack trace for the (empty) outbound buffer and
      // fires an event through the pipeline, on every relayed connection.
      try {
        socket.shutdown(false, true);
      } catch (IOException | NotYetConnectedException e) {
        inbound.close(); // ENOTCONN: the peer reset the connection while the last write was in flight
        return;
      }
      afterOutputShutdown(to, inbound);
      return;
    }
    to.shutdownOutput().addListener(done -> {
      if (done.isSuccess()) {
        afterOutputShutdown(to, inbound);
      } else {
        inbound.close();
      }
    });
  }

  private static void afterOutputShutdown(DuplexChannel to, Channel inbound) {
    DuplexChannel in = (DuplexChannel) inbound;
    if (in.isInputShutdown() && in.isOutputShutdown()) {
      inbound.close();
    } else {
      // The other way has ended, so this side's end of input ends the connection: let it close
      // the socket at once (the handlers close the other side after a flush) rather than shut
      // input down first, which costs a system call and, on a socket past FIN, an exception.
      to.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    }
  }

  /** True when nothing waits to be written (every relay write is flushed when made). */
  private static boolean nothingQueued(Channel ch) {
    ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
    return buffer == null || (buffer.isEmpty() && buffer.totalPendingWriteBytes() == 0);
  }

  private Relays() {
  }
}
