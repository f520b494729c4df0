package io.gantry.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** The pipeline of an accepted client connection: idle timeout, then the relay. */
final class TcpProxyInitializer extends ChannelInitializer<Channel> {

  private final TcpSettings settings;
  private final io.gantry.proxy.table.ListenKey listener;

  TcpProxyInitializer(TcpSettings settings, io.gantry.proxy.table.ListenKey listener) {
    this.settings = settings;
    this.listener = listener;
  }

  @Override
  protected void initChannel(Channel ch) {
    ch.pipeline()
        .addLast("idle", new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .addLast("relay", new FrontendHandler(settings, listener));
  }
}
