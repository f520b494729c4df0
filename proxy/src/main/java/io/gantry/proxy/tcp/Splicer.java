package io.gantry.proxy.tcp;

import io.gantry.proxy.metrics.ServiceMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.epoll.AbstractEpollStreamChannel;

/**
 * Zero-copy relay with splice(2) (socket to pipe to socket, in the kernel), where both sides are
 * epoll sockets on one event loop and {@code --splice} asks for it. Netty's splice task pauses
 * reading while the target socket is full, so backpressure holds; end of input still raises the
 * input-shutdown event, so half-close is passed on as without splice. Spliced bytes do not pass
 * through the pipeline, so the byte counters do not see them.
 */
// Netty 4.2 deprecates RCVBUF_ALLOCATOR and spliceTo without a stable replacement yet.
@SuppressWarnings("deprecation")
final class Splicer {

  /** Starts splicing both ways; false when not possible (the caller relays through buffers). */
  static boolean start(TcpSettings settings, Channel inbound, Channel outbound, ServiceMetrics metrics) {
    if (!settings.splice() || !(inbound instanceof AbstractEpollStreamChannel in)
        || !(outbound instanceof AbstractEpollStreamChannel out) || in.eventLoop() != out.eventLoop()) {
      return false;
    }
    ChannelFutureListener closeOnFailure = f -> {
      if (!f.isSuccess()) {
        inbound.close();
      }
    };
    in.spliceTo(out, Integer.MAX_VALUE).addListener(closeOnFailure);
    out.spliceTo(in, Integer.MAX_VALUE).addListener(closeOnFailure);
    // Splice tasks run when the socket is readable; they turn AUTO_READ off themselves while the
    // target is full and back on when it drains.
    in.config().setAutoRead(true);
    out.config().setAutoRead(true);
    return true;
  }

  private Splicer() {
  }
}
