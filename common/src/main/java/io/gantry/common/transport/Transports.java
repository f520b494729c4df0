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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemons' choice of Netty transport: epoll by default (measured faster than io_uring for
 * the proxy's relay on loopback, see README "Benchmarks"), io_uring when asked, NIO where
 * neither native transport loads. Asked with {@code -Dgantry.transport=epoll|io_uring|nio}
 * (the daemons' {@code --transport} flag sets it); a native transport that cannot load here
 * falls back to the next one with a warning. One choice per process, so every channel of a
 * daemon can share event loops.
 */
public enum Transports {
  EPOLL, IO_URING, NIO;

  /** The system property that asks for a transport. */
  public static final String PROPERTY = "gantry.transport";

  private static final Logger log = LoggerFactory.getLogger(Transports.class);

  /** Chosen on first use, so a command line flag can set {@link #PROPERTY} before. */
  private static final class Chosen {
    static final Transports VALUE = choose(System.getProperty(PROPERTY, ""));
  }

  /** The transport this process uses. */
  public static Transports chosen() {
    return Chosen.VALUE;
  }

  /**
   * The transport named {@code name} ({@code epoll}, {@code io_uring} or {@code nio}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static Transports parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
      case "epoll" -> EPOLL;
      case "io_uring", "iouring" -> IO_URING;
      case "nio" -> NIO;
      default -> throw new IllegalArgumentException("transport: " + name + " (expected: epoll, io_uring or nio)");
    };
  }

  private static Transports choose(String asked) {
    Transports wanted = asked.isEmpty() ? EPOLL : parse(asked);
    if (wanted == IO_URING && !IoUring.isAvailable()) {
      log.warn("io_uring transport not available here ({}); using epoll or NIO", reason(IoUring::unavailabilityCause));
      wanted = EPOLL;
    }
    if (wanted == EPOLL && !Epoll.isAvailable()) {
      if (!asked.isEmpty()) {
        log.warn("epoll transport not available here ({}); using NIO", reason(Epoll::unavailabilityCause));
      }
      wanted = NIO;
    }
    return wanted;
  }

  private static String reason(Supplier<Throwable> cause) {
    Throwable t = cause.get();
    return t == null ? "unknown reason" : t.toString();
  }

  /** The name the {@code --transport} flag takes. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  public IoHandlerFactory ioHandlerFactory() {
    return switch (this) {
      case EPOLL -> EpollIoHandler.newFactory();
      case IO_URING -> IoUringIoHandler.newFactory();
      case NIO -> NioIoHandler.newFactory();
    };
  }

  /** An event loop group of {@code threads} threads (0: Netty's default, twice the cores). */
  public EventLoopGroup group(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory());
  }

  public Class<? extends ServerSocketChannel> serverSocketChannel() {
    return switch (this) {
      case EPOLL -> EpollServerSocketChannel.class;
      case IO_URING -> IoUringServerSocketChannel.class;
      case NIO -> NioServerSocketChannel.class;
    };
  }

  public Class<? extends SocketChannel> socketChannel() {
    return switch (this) {
      case EPOLL -> EpollSocketChannel.class;
      case IO_URING -> IoUringSocketChannel.class;
      case NIO -> NioSocketChannel.class;
    };
  }

  /** A new unregistered client socket channel (without the reflection of a {@code Bootstrap}). */
  public SocketChannel newSocketChannel() {
    return switch (this) {
      case EPOLL -> new EpollSocketChannel();
      case IO_URING -> new IoUringSocketChannel();
      case NIO -> new NioSocketChannel();
    };
  }

  public Class<? extends DatagramChannel> datagramChannel() {
    return switch (this) {
      case EPOLL -> EpollDatagramChannel.class;
      case IO_URING -> IoUringDatagramChannel.class;
      case NIO -> NioDatagramChannel.class;
    };
  }
}
