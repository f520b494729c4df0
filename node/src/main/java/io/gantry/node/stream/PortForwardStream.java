package io.gantry.node.stream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One forwarded connection: the client's error and data streams and the agent's TCP connection to
 * the pod. Relays on the client connection's event loop with backpressure: the pod connection
 * reads its next chunk when the previous one was written to the client; the client connection
 * stops reading while the pod connection cannot take more. Half-closes travel both ways (the
 * client's FIN shuts the pod connection's output; the pod's end sends FIN on the data stream).
 */
final class PortForwardStream {

  private static final int CONNECT_TIMEOUT_MILLIS = 5000;
  /** What the client may send before the pod connection is up; then the client connection pauses. */
  private static final int EARLY_BYTES_MAX = 256 << 10;

  private final ChannelHandlerContext client;
  private static final String LOCALHOST = "127.0.0.1";
  private final String podIp;
  private final int port;
  private final String podName;
  private final String podUid;
  private final Consumer<PortForwardStream> done;
  private final List<byte[]> early = new ArrayList<>();
  private int earlyBytes;
  private int errorId = -1;
  private int dataId = -1;
  private Channel pod;
  private boolean clientFin;
  private boolean finished;

  PortForwardStream(ChannelHandlerContext client, String podIp, int port, String podName, String podUid,
      Consumer<PortForwardStream> done) {
    this.client = client;
    this.podIp = podIp;
    this.port = port;
    this.podName = podName;
    this.podUid = podUid;
    this.done = done;
  }

  void errorStream(int id) {
    errorId = id;
    connectIfReady();
  }

  void dataStream(int id) {
    dataId = id;
    connectIfReady();
  }

  private void connectIfReady() {
    if (errorId < 0 || dataId < 0 || pod != null) {
      return;
    }
    dial(podIp);
  }

  /**
   * Connects to {@code host}. In loopback mode (a 127.x pod address) a pod's localhost is the host's,
   * so a refused dial of the pod address is tried once more on 127.0.0.1, where containerd dials in
   * the pod's namespace: a server listening on localhost only is reached as upstream reaches it. The
   * pod address comes first because every pod shares that localhost here.
   */
  private void dial(String host) {
    Channel parent = client.channel();
    Bootstrap bootstrap = new Bootstrap().group(parent.eventLoop())
        .channel(parent instanceof EpollSocketChannel ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .handler(new PodSide());
    var connect = bootstrap.connect(host, port);
    pod = connect.channel();
    connect.addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        if (f.cause() instanceof java.net.ConnectException && host.equals(podIp) && podIp.startsWith("127.")
            && !podIp.equals(LOCALHOST)) {
          dial(LOCALHOST);
          return;
        }
        fail(errorId, "error forwarding port " + port + " to pod " + podName + ", uid " + podUid + ": dial tcp4 "
            + host + ":" + port + ": " + reason(f.cause()));
        return;
      }
      for (byte[] data : early) {
        pod.write(Unpooled.wrappedBuffer(data));
      }
      early.clear();
      pod.flush();
      client.channel().config().setAutoRead(pod.isWritable());
      if (clientFin) {
        ((DuplexChannel) pod).shutdownOutput();
      }
      pod.read();
    });
  }

  /** Go's wording for why a dial failed, which is what kubectl users know. */
  private static String reason(Throwable cause) {
    if (cause instanceof io.netty.channel.ConnectTimeoutException) {
      return "i/o timeout";
    }
    if (cause instanceof java.net.ConnectException) {
      return "connect: connection refused";
    }
    return String.valueOf(cause.getMessage());
  }

  /** Data from the client on one of this connection's streams. */
  void fromClient(int id, byte[] data, boolean last) {
    if (id != dataId) {
      return; // the client writes nothing on the error stream but its FIN
    }
    if (pod == null || !pod.isActive()) {
      early.add(data);
      earlyBytes += data.length;
      if (earlyBytes > EARLY_BYTES_MAX) {
        client.channel().config().setAutoRead(false); // until the pod connection is up
      }
    } else if (data.length > 0) {
      pod.writeAndFlush(Unpooled.wrappedBuffer(data));
      if (!pod.isWritable()) {
        client.channel().config().setAutoRead(false);
      }
    }
    if (last) {
      clientFin = true;
      if (pod != null && pod.isActive()) {
        ((DuplexChannel) pod).shutdownOutput();
      }
    }
  }

  /** Writes {@code message} on the error stream and ends both streams. */
  void fail(int streamId, String message) {
    int id = errorId >= 0 ? errorId : streamId;
    SpdyStreamsHandler.send(client, id, Unpooled.wrappedBuffer(message.getBytes(StandardCharsets.UTF_8)), true);
    finish();
  }

  /** The client reset a stream or went away: the pod connection closes. */
  void reset() {
    finished = true;
    if (pod != null) {
      pod.close();
    }
    done.accept(this);
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (dataId >= 0) {
      SpdyStreamsHandler.send(client, dataId, Unpooled.EMPTY_BUFFER, true);
    }
    if (errorId >= 0) {
      SpdyStreamsHandler.send(client, errorId, Unpooled.EMPTY_BUFFER, true);
    }
    if (pod != null) {
      pod.close();
    }
    done.accept(this);
  }

  /** The pod side: its bytes go on the data stream, one chunk at a time. */
  private final class PodSide extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (finished || !(msg instanceof ByteBuf buf)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      SpdyStreamsHandler.send(client, dataId, buf, false).addListener((ChannelFutureListener) f -> {
        if (f.isSuccess()) {
          ctx.channel().read();
        } else {
          ctx.close();
        }
      });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
        finish(); // the pod closed its side: the client sees EOF
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        client.channel().config().setAutoRead(true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      finish();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
