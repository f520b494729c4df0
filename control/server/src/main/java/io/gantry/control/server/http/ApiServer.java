package io.gantry.control.server.http;

import io.gantry.control.server.api.ApiRouter;
import io.gantry.control.server.registry.ObjectWatcher;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The API's HTTPS listener on Netty. Request bodies are capped at 3 MiB (etcd's request limit, as
 * kube-apiserver does); requests run on virtual threads.
 *
 * <p>Lifecycle: {@link #start} binds, {@link #close} stops accepting and closes connections.
 */
public final class ApiServer implements AutoCloseable {
  /** As Go's http.Server MaxHeaderBytes in kube-apiserver. */
  static final int MAX_HEADER_BYTES = 1 << 20;


  private static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

  private final EventLoopGroup group;
  private final ExecutorService executor;
  private final Channel channel;

  private ApiServer(EventLoopGroup group, ExecutorService executor, Channel channel) {
    this.group = group;
    this.executor = executor;
    this.channel = channel;
  }

  /**
   * Binds the listener.
   *
   * @param address    where to listen
   * @param ssl        the TLS context, or null for plain HTTP (only behind {@code --insecure-http})
   * @param router     answers requests
   * @param watcher    serves watches
   * @param tokenCheck accepts a bearer token
   * @param metrics    counts requests
   */
  public static ApiServer start(InetSocketAddress address, SslContext ssl, ApiRouter router, ObjectWatcher watcher,
      Predicate<String> tokenCheck, Clock clock, ApiMetrics metrics) throws InterruptedException {
    Objects.requireNonNull(address, "address");
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()), io);
    Class<? extends ServerSocketChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    try {
      Channel channel = new ServerBootstrap()
          .group(group)
          .channel(channelType)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.AUTO_READ, false)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ChannelPipeline pipeline = ch.pipeline();
              if (ssl != null) {
                pipeline.addLast("tls", ssl.newHandler(ch.alloc()));
              }
              // kube-apiserver's MaxHeaderBytes (1 MiB) bounds request line and headers: long label
              // selectors and large bearer tokens fit
              pipeline.addLast("http", new HttpServerCodec(new io.netty.handler.codec.http.HttpDecoderConfig()
                  .setMaxInitialLineLength(MAX_HEADER_BYTES).setMaxHeaderSize(MAX_HEADER_BYTES)));
              pipeline.addLast("deadlines", new RequestDeadlines());
              pipeline.addLast("aggregate", new StatusOnOversizeAggregator(MAX_BODY_BYTES));
              pipeline.addLast("flow", new FlowControlHandler());
              pipeline.addLast("sequence", new OneRequestAtATime());
              pipeline.addLast("api", new ApiHttpHandler(router, watcher, tokenCheck, executor, clock, metrics));
            }
          })
          .bind(address).sync().channel();
      return new ApiServer(group, executor, channel);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      executor.shutdownNow();
      throw e;
    }
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    executor.shutdownNow();
  }
}
