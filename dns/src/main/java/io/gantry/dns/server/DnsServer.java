package io.gantry.dns.server;

import io.gantry.common.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP and TCP DNS on the same address. With epoll, one UDP socket per event loop shares the
 * port (SO_REUSEPORT) and reads batches with recvmmsg; answers leave with sendmmsg.
 *
 * <p>Lifecycle: {@link #start} binds both transports or fails; {@link #close} closes the sockets
 * and stops the event loops.
 */
@SuppressWarnings("deprecation") // Netty 4.2 deprecates RCVBUF_ALLOCATOR without a stable replacement yet
public final class DnsServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
  /** TCP connections idle this long are closed (RFC 7766 suggests seconds). */
  private static final int TCP_IDLE_SECONDS = 10;
  /** The largest query read; a bigger one is cut and answered FORMERR (real queries are well under it). */
  private static final int MAX_UDP_PAYLOAD = 1232;
  /** Datagrams one recvmmsg may read. */
  private static final int BATCH = 64;

  private final EventLoopGroup group;
  private final List<Channel> channels;
  private final InetSocketAddress address;

  private DnsServer(EventLoopGroup group, List<Channel> channels, InetSocketAddress address) {
    this.group = group;
    this.channels = channels;
    this.address = address;
  }

  /**
   * @param listen  where to listen (port 0: a free port, the same for UDP and TCP)
   * @param threads event loops (0: one per core)
   */
  public static DnsServer start(InetSocketAddress listen, int threads, DnsQueryHandler handler)
      throws InterruptedException {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(handler, "handler");
    Transports transport = Transports.chosen();
    int loops = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    EventLoopGroup group = transport.group(loops);
    List<Channel> channels = new ArrayList<>();
    QueryDecoder decoder = new QueryDecoder();
    try {
      ServerBootstrap tcp = new ServerBootstrap().group(group).channel(transport.serverSocketChannel())
          .option(ChannelOption.SO_REUSEADDR, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline()
                  .addLast("idle", new ReadTimeoutHandler(TCP_IDLE_SECONDS, TimeUnit.SECONDS))
                  .addLast("frames", new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2))
                  .addLast("prefix", new LengthFieldPrepender(2))
                  .addLast("decode", new TcpQueryDecoder(decoder))
                  .addLast("answer", handler);
            }
          });
      Channel tcpChannel = tcp.bind(listen).sync().channel();
      channels.add(tcpChannel);
      InetSocketAddress bound = (InetSocketAddress) tcpChannel.localAddress();
      InetSocketAddress udpAddress = new InetSocketAddress(listen.getAddress(), bound.getPort());
      boolean epoll = transport == Transports.EPOLL;
      int udpSockets = epoll ? loops : 1;
      for (int i = 0; i < udpSockets; i++) {
        Bootstrap udp = new Bootstrap().group(group).channel(transport.datagramChannel())
            .option(ChannelOption.SO_RCVBUF, 4 << 20)
            .option(ChannelOption.SO_SNDBUF, 4 << 20)
            .handler(new ChannelInitializer<DatagramChannel>() {
              @Override
              protected void initChannel(DatagramChannel ch) {
                ch.pipeline().addLast("decode", decoder).addLast("answer", handler);
              }
            });
        if (epoll) {
          udp.option(EpollChannelOption.SO_REUSEPORT, true)
              .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_UDP_PAYLOAD)
              .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_UDP_PAYLOAD * BATCH));
        } else {
          udp.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_UDP_PAYLOAD));
        }
        channels.add(udp.bind(udpAddress).sync().channel());
      }
      log.info("serving DNS on {} (UDP x{} and TCP, {} transport)", udpAddress, udpSockets, transport);
      return new DnsServer(group, channels, udpAddress);
    } catch (RuntimeException | InterruptedException e) {
      channels.forEach(Channel::close);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The bound address (the actual port when 0 was asked). */
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    for (Channel channel : channels) {
      channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
