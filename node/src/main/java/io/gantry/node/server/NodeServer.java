package io.gantry.node.server;

import io.gantry.node.NodeAgentConfig;
import io.gantry.node.logs.LogFiles;
import io.gantry.node.pod.PodManager;
import io.gantry.node.stream.StreamUpgrades;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The agent's own HTTP endpoint on the node address (the kubelet's port, announced in the Node's
 * {@code status.daemonEndpoints.kubeletEndpoint.Port}), on Netty so that it can switch protocols:
 * {@code GET /containerLogs/{ns}/{pod}/{container}} ({@link LogRequests}), the streaming
 * {@code /exec/{ns}/{pod}/{container}} and {@code /portForward/{ns}/{pod}}
 * ({@link StreamUpgrades}), and {@code /healthz}. The API server relays clients here.
 *
 * <p>Lifecycle: {@link #start} binds; {@link #close} stops accepting and closes every connection.
 */
public final class NodeServer implements AutoCloseable {

  private static final int MAX_REQUEST_BYTES = 64 << 10;

  private final EventLoopGroup group;
  private final ExecutorService executor;
  private final Channel channel;

  private NodeServer(EventLoopGroup group, ExecutorService executor, Channel channel) {
    this.group = group;
    this.executor = executor;
    this.channel = channel;
  }

  /**
   * Binds {@code config.nodeAddress():config.serverPort()}.
   *
   * @param token the bearer token every request but {@code /healthz} must present (the cluster's, which
   *              the control component sends when it relays logs, exec, attach and port-forward), or null
   *              for an endpoint open to anyone who reaches it
   */
  public static NodeServer start(NodeAgentConfig config, PodManager pods, String token) throws IOException {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, io);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    LogFiles logs = pods.logs();
    StreamUpgrades streams = new StreamUpgrades(pods, executor);
    try {
      Channel channel = new ServerBootstrap().group(group)
          .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast("http", new HttpServerCodec());
              ch.pipeline().addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES));
              ch.pipeline().addLast("route", new NodeHttpHandler(new LogRequests(logs, executor), streams, token));
            }
          })
          .bind(new InetSocketAddress(config.nodeAddress(), config.serverPort())).sync().channel();
      return new NodeServer(group, executor, channel);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      executor.shutdownNow();
      throw new IOException("interrupted while binding the node endpoint", e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      executor.shutdownNow();
      throw new IOException("cannot bind the node endpoint on " + config.nodeAddress() + ":" + config.serverPort()
          + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    executor.shutdownNow();
  }
}
