package io.gantry.proxy.tcp;

import io.gantry.proxy.metrics.ServiceMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * The endpoint side of one relayed connection: what the endpoint sends goes to the client; the
 * next read waits until that write completed (backpressure). Lives on the client's event loop.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

  private final Channel inbound;
  private final ServiceMetrics metrics;

  BackendHandler(Channel inbound, ServiceMetrics metrics) {
    this.inbound = inbound;
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      metrics.bytesOut(buf.readableBytes());
    }
    inbound.writeAndFlush(msg).addListener(f -> {
      if (f.isSuccess()) {
        ctx.channel().read();
      } else {
        ctx.channel().close();
      }
    });
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      Relays.forwardHalfClose(inbound, inbound);
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Relays.closeOnFlush(inbound);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // an endpoint reset: channelInactive passes it on to the client
  }
}
