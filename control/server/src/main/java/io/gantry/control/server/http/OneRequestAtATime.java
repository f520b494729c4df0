package io.gantry.control.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Hands the API one request of a connection at a time and reads the next once the answer's end has
 * been written, so that answers leave in the order of their requests (RFC 9112 9.3.2) although
 * each is made on a thread of its own: a client that pipelines got them in whatever order they were
 * ready. Runs with auto-read off behind a {@link io.netty.handler.flow.FlowControlHandler},
 * which holds requests that arrived together until they are read; between requests it keeps reading,
 * so partial requests, a TLS handshake and a discarded oversized body still make progress.
 */
final class OneRequestAtATime extends ChannelDuplexHandler {
  private boolean answering;

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest) {
      answering = true;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!answering) {
      ctx.read();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean end = msg instanceof LastHttpContent;
    ctx.write(msg, promise);
    if (end && answering) {
      answering = false;
      // after this call returns: the next request's answer may be written from inside its handler
      ctx.executor().execute(ctx::read);
    }
  }
}
