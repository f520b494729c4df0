package io.gantry.proxy.tcp;

import io.gantry.proxy.table.ListenKey;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

/**
 * One listening TCP socket of the proxy. It holds no service: each accepted connection looks its
 * address up in the routing table, so a changed service keeps its listener. Closing it stops
 * accepting; connections already accepted stay and drain.
 */
// Netty 4.2 deprecates RCVBUF_ALLOCATOR and spliceTo without a stable replacement yet.
@SuppressWarnings("deprecation")
public final class TcpListener implements AutoCloseable {

  private final ListenKey key;
  private final Channel channel;

  private TcpListener(ListenKey key, Channel channel) {
    this.key = key;
    this.channel = channel;
  }

  /** Binds (blocking until bound; never call on an event loop). */
  public static TcpListener open(ListenKey key, EventLoopGroup workers, TcpSettings settings) {
    // Accepting on the relay loops (no separate boss) saves a thread handoff per connection.
    Channel channel = new ServerBootstrap()
        .group(workers, workers)
        .channel(settings.transport().serverSocketChannel())
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, TcpSettings.WATER_MARK)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, TcpSettings.RECV_ALLOCATOR)
        .childHandler(new TcpProxyInitializer(settings, key))
        .bind(key.address()).syncUninterruptibly().channel();
    return new TcpListener(key, channel);
  }

  public ListenKey key() {
    return key;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
