package io.gantry.dns.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Turns one length-delimited TCP frame into a {@link DnsRequest} with the same decoder as UDP;
 * a frame that deserves no answer closes the connection. One per connection.
 */
final class TcpQueryDecoder extends MessageToMessageDecoder<ByteBuf> {

  private final QueryDecoder decoder;

  TcpQueryDecoder(QueryDecoder decoder) {
    this.decoder = decoder;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
    DnsRequest request = decoder.parse(frame, remote, local, true);
    if (request == null) {
      ctx.close();
      return;
    }
    out.add(request);
  }
}
