package io.gantry.proxy.tcp;

import io.gantry.proxy.metrics.ServiceMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * The endpoint side of one relayed connection: what the endpoint sends goes to the client;
 * reading pauses while the client's outbound buffer is over its high-water mark (backpressure).
 * Lives on the client's event loop; reads start once the frontend has wired both sides.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

  private final Channel inbound;
  private final ServiceMetrics metrics;
  private final FrontendHandler frontend;

  BackendHandler(Channel inbound, ServiceMetrics metrics, FrontendHandler frontend) {
    this.inbound = inbound;
    this.metrics = metrics;
    this.frontend = frontend;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    frontend.active = true;
    if (msg instanceof ByteBuf buf) {
      metrics.bytesOut(buf.readableBytes());
    }
    inbound.writeAndFlush(msg, inbound.voidPromise()); // failures close the client side, and so this one
    if (!inbound.isWritable()) {
      ctx.channel().config().setAutoRead(false); // backpressure: until the client's buffer drains
    }
  }

  /** The endpoint's buffer crossed a water mark: pause or resume reading the client. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    inbound.config().setAutoRead(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
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
