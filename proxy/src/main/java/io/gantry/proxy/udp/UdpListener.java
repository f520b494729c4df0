package io.gantry.proxy.udp;

import io.gantry.proxy.table.ListenKey;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;

/** One UDP socket of the proxy, bound to a served address; its flows live on its event loop. */
// Netty 4.2 deprecates RCVBUF_ALLOCATOR and spliceTo without a stable replacement yet.
@SuppressWarnings("deprecation")
public final class UdpListener implements AutoCloseable {
  static final int RECEIVE_BUFFER = 4 << 20;


  private final ListenKey key;
  private final Channel channel;

  private UdpListener(ListenKey key, Channel channel) {
    this.key = key;
    this.channel = channel;
  }

  /** Binds (blocking until bound; never call on an event loop). */
  public static UdpListener open(ListenKey key, EventLoopGroup group, UdpSettings settings) {
    Channel channel = new Bootstrap()
        .group(group)
        .channel(settings.transport().datagramChannel())
        .option(ChannelOption.SO_REUSEADDR, true)
        // a burst of new flows (DNS through the cluster DNS Service) queues here while the loop sets the
        // flows up: the default 208 KiB held about 256 small datagrams and dropped the rest. The kernel
        // caps it at net.core.rmem_max.
        .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UdpSettings.MAX_DATAGRAM))
        .handler(new UdpFrontendHandler(key, settings))
        .bind(key.address()).syncUninterruptibly().channel();
    return new UdpListener(key, channel);
  }

  public ListenKey key() {
    return key;
  }

  /** Stops receiving; the flows close with it (UDP has no connection to drain). */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
