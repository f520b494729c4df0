package io.gantry.node.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Exec over WebSocket, subprotocols {@code v5.channel.k8s.io} and {@code v4.channel.k8s.io}:
 * every binary message starts with a stream byte (0 stdin, 1 stdout, 2 stderr, 3 error,
 * 4 resize); v5 adds {@code [255, stream]}, the client closing that stream (stdin's end). The
 * command's status goes on stream 3, then a normal close ends every stream for the client.
 */
final class WebSocketExecHandler extends SimpleChannelInboundHandler<WebSocketFrame>
    implements ExecSession.Transport {

  private static final int STDIN = 0;
  private static final int RESIZE = 4;
  private static final int CLOSE_SIGNAL = 255;
  private static final long CLOSE_WAIT_SECONDS = 5;

  private final ExecSessionFactory sessions;
  private StreamSession session;
  private ChannelHandlerContext ctx;
  private volatile boolean ended;

  /** Makes the session once the handler knows its channel. */
  interface ExecSessionFactory {
    StreamSession create(ChannelHandlerContext ctx, ExecSession.Transport transport);
  }

  WebSocketExecHandler(ExecSessionFactory sessions) {
    this.sessions = sessions;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    session = sessions.create(ctx, this);
    session.begin();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame) {
      if (ended) {
        ctx.close();
      } else {
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
            .addListener(ChannelFutureListener.CLOSE);
      }
    } else if (frame instanceof BinaryWebSocketFrame) {
      ByteBuf content = frame.content();
      if (!content.isReadable()) {
        return;
      }
      int stream = content.readUnsignedByte();
      byte[] data = ByteBufUtil.getBytes(content);
      switch (stream) {
        case STDIN -> session.stdin(data);
        case RESIZE -> session.resize(data);
        case CLOSE_SIGNAL -> {
          if (data.length == 1 && data[0] == STDIN) {
            session.stdinClosed();
          }
        }
        default -> {
          // streams the client does not write to: ignored, as the kubelet ignores them
        }
      }
    }
  }

  @Override
  public Future<?> write(int stream, byte[] data) {
    ByteBuf frame = Unpooled.buffer(data.length + 1).writeByte(stream).writeBytes(data);
    return ctx.writeAndFlush(new BinaryWebSocketFrame(frame));
  }

  @Override
  public void end(byte[] status) {
    ended = true;
    ctx.executor().execute(() -> {
      write(3, status);
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
      // the client answers the close and hangs up; a client that does not is hung up on
      ctx.executor().schedule(() -> ctx.close(), CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    session.clientGone();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
