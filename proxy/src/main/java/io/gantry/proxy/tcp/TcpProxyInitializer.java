package io.gantry.proxy.tcp;

import io.gantry.proxy.table.ListenKey;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * The pipeline of an accepted client connection: the relay alone. Its idle timeout is the relay's
 * own (an IdleStateHandler would read the clock on every read and add a listener to every write).
 */
final class TcpProxyInitializer extends ChannelInitializer<Channel> {

  private final TcpSettings settings;
  private final ListenKey listener;

  TcpProxyInitializer(TcpSettings settings, ListenKey listener) {
    this.settings = settings;
    this.listener = listener;
  }

  @Override
  protected void initChannel(Channel ch) {
    ch.pipeline().addLast("relay", new FrontendHandler(settings, listener));
  }
}
