package io.gantry.proxy.health;

import io.gantry.proxy.table.HealthCheck;
import io.gantry.proxy.table.ListenKey;
import io.gantry.proxy.table.RoutingSnapshot;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One listening socket of a {@code healthCheckNodePort} on one node address. Any request (any
 * method, any path, as kube-proxy) gets {@code 200} when the service has a ready endpoint on
 * this node and the proxy is healthy ({@link ProxyHealth}), else {@code 503}, with kube-proxy's
 * JSON body; the count is read from the current
 * routing table per request. One request per connection ({@code Connection: close}); requests
 * whose head exceeds 8 KiB or that stall for 10 s are closed.
 */
public final class HealthCheckListener implements AutoCloseable {

  private static final int MAX_HEAD = 8 * 1024;

  private final ListenKey key;
  private final Channel channel;

  private HealthCheckListener(ListenKey key, Channel channel) {
    this.key = key;
    this.channel = channel;
  }

  /** Binds (blocking until bound; never call on an event loop). */
  public static HealthCheckListener open(ListenKey key, EventLoopGroup workers,
      Class<? extends io.netty.channel.ServerChannel> channelType, Supplier<RoutingSnapshot> snapshot,
      BooleanSupplier proxyHealthy) {
    int port = key.address().getPort();
    Channel channel = new ServerBootstrap()
        .group(workers, workers)
        .channel(channelType)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new ReadTimeoutHandler(10)).addLast(new Handler(port, snapshot, proxyHealthy));
          }
        })
        .bind(key.address()).syncUninterruptibly().channel();
    return new HealthCheckListener(key, channel);
  }

  public ListenKey key() {
    return key;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  /** Reads a request head, answers, closes. Event-loop confined. */
  private static final class Handler extends ChannelInboundHandlerAdapter {

    private final int port;
    private final Supplier<RoutingSnapshot> snapshot;
    private final BooleanSupplier proxyHealthy;
    private final StringBuilder head = new StringBuilder();
    private boolean answered;

    Handler(int port, Supplier<RoutingSnapshot> snapshot, BooleanSupplier proxyHealthy) {
      this.port = port;
      this.snapshot = snapshot;
      this.proxyHealthy = proxyHealthy;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (answered || !(msg instanceof ByteBuf buf)) {
          return;
        }
        head.append(buf.toString(StandardCharsets.ISO_8859_1));
        if (head.indexOf("\r\n\r\n") >= 0 || head.indexOf("\n\n") >= 0) {
          answered = true;
          answer(ctx);
        } else if (head.length() > MAX_HEAD) {
          answered = true;
          respond(ctx, 431, "text/plain", "request header too large\n");
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void answer(ChannelHandlerContext ctx) {
      HealthCheck check = snapshot.get().healthChecks().get(port);
      if (check == null) {
        respond(ctx, 404, "text/plain", "no such health check\n"); // the service just went; the listener closes
        return;
      }
      boolean healthy = proxyHealthy.getAsBoolean();
      respond(ctx, check.status(healthy), "application/json", check.json(healthy));
    }

    private static void respond(ChannelHandlerContext ctx, int status, String type, String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String reason = switch (status) {
        case 200 -> "OK";
        case 404 -> "Not Found";
        case 431 -> "Request Header Fields Too Large";
        default -> "Service Unavailable";
      };
      String response = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: " + type
          + "\r\nX-Content-Type-Options: nosniff\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
      ByteBuf out = Unpooled.wrappedBuffer(response.getBytes(StandardCharsets.ISO_8859_1), bytes);
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
