package io.gantry.node.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * A byte stream tunneled in WebSocket binary messages (client-go's {@code TunnelingConnection},
 * subprotocol {@code SPDY/3.1+portforward.k8s.io}): message payloads in, each outbound buffer as
 * one binary message out; pings answered, a close answered and the connection closed.
 */
final class WebSocketTunnelCodec extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
    out.add(new BinaryWebSocketFrame(msg.retain()));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
    if (frame instanceof BinaryWebSocketFrame) {
      out.add(frame.content().retain());
    } else if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame) {
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (!(frame instanceof PongWebSocketFrame)) {
      ctx.close(); // text messages are not part of the tunnel
    }
  }
}
