package io.gantry.node.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The server side of a SPDY/3.1 session as Kubernetes' streaming clients (moby/spdystream) use
 * it, on top of Netty's frame codec: the client opens streams whose {@code streamtype} header
 * says what they carry; each is answered with SYN_REPLY; pings are echoed; SETTINGS and
 * WINDOW_UPDATE are ignored, as spdystream does no SPDY flow control (TCP's is the one that holds).
 * Subclasses handle streams and their data.
 */
abstract class SpdyStreamsHandler extends ChannelInboundHandlerAdapter {

  /** Bound on what one session may open: kubectl opens 2 streams per forwarded connection. */
  static final int MAX_STREAMS = 4096;

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof SpdySynStreamFrame syn) {
        if (syn.streamId() % 2 == 0) {
          ctx.close(); // clients open odd streams
          return;
        }
        String type = syn.headers().getAsString("streamtype");
        // Netty encodes an empty header block as nothing at all, which Go's SPDY framer cannot
        // read; echoing the stream's type makes it a valid block
        DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(syn.streamId());
        reply.headers().set("streamtype", type == null ? "" : type);
        ctx.writeAndFlush(reply);
        stream(ctx, syn.streamId(), type, syn);
        if (syn.isLast()) {
          data(ctx, syn.streamId(), new byte[0], true);
        }
      } else if (msg instanceof SpdyDataFrame data) {
        data(ctx, data.streamId(), io.netty.buffer.ByteBufUtil.getBytes(data.content()), data.isLast());
      } else if (msg instanceof SpdyRstStreamFrame rst) {
        reset(ctx, rst.streamId());
      } else if (msg instanceof SpdyPingFrame ping) {
        ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id()));
      } else if (msg instanceof SpdyGoAwayFrame) {
        ctx.close();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** The client opened stream {@code id} of {@code type} (null when the header is missing). */
  abstract void stream(ChannelHandlerContext ctx, int id, String type, SpdySynStreamFrame syn);

  /** Data (possibly empty) on stream {@code id}; {@code last}: the client closed its side. */
  abstract void data(ChannelHandlerContext ctx, int id, byte[] data, boolean last);

  /** The client reset stream {@code id}. */
  abstract void reset(ChannelHandlerContext ctx, int id);

  static ChannelFuture send(ChannelHandlerContext ctx, int id, ByteBuf data, boolean last) {
    return ctx.writeAndFlush(new DefaultSpdyDataFrame(id, data).setLast(last));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
