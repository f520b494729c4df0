package io.gantry.common.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;

/**
 * The daemons' choice of Netty transport: epoll where the kernel and native library allow it,
 * NIO otherwise (or when asked with {@code -Dgantry.transport=nio}). One choice per process, so
 * every channel of a daemon can share event loops.
 */
public enum Transports {
  EPOLL, NIO;

  private static final Transports CHOSEN = choose();

  /** The transport this process uses. */
  public static Transports chosen() {
    return CHOSEN;
  }

  private static Transports choose() {
    String asked = System.getProperty("gantry.transport", "").toLowerCase(Locale.ROOT);
    if (asked.equals("nio") || !Epoll.isAvailable()) {
      return NIO;
    }
    return EPOLL;
  }

  public IoHandlerFactory ioHandlerFactory() {
    return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** An event loop group of {@code threads} threads (0: Netty's default, twice the cores). */
  public EventLoopGroup group(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory());
  }

  public Class<? extends ServerSocketChannel> serverSocketChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends SocketChannel> socketChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  public Class<? extends DatagramChannel> datagramChannel() {
    return this == EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }
}
