package io.gantry.proxy.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;

/** Closing and half-closing the two sides of a relayed connection. */
final class Relays {

  /** Closes after what is queued has been written. */
  static void closeOnFlush(Channel ch) {
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else if (ch != null) {
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
   * side ({@code inbound}) is shut both ways.
   */
  static void forwardHalfClose(Channel to, Channel inbound) {
    if (!(to instanceof DuplexChannel duplex) || !to.isActive()) {
      closeOnFlush(inbound);
      return;
    }
    to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
      if (!f.isSuccess()) {
        inbound.close();
        return;
      }
      duplex.shutdownOutput().addListener(done -> {
        DuplexChannel in = (DuplexChannel) inbound;
        if (!done.isSuccess() || (in.isInputShutdown() && in.isOutputShutdown())) {
          inbound.close();
        }
      });
    });
  }

  private Relays() {
  }
}
