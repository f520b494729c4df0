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
 * The daemons' choice of Netty transport: each daemon names the one it prefers (the service
 * proxy io_uring, measured faster than epoll for its relay in bin/bench proxy; the others epoll),
 * {@code -Dgantry.transport=epoll|io_uring|nio} overrides it (the proxy's {@code --transport}
 * flag sets it), and a native transport that cannot load here falls back to epoll, then NIO.
 * One choice per server, so all its channels share its event loops.
 */
public enum Transports {
  EPOLL, IO_URING, NIO;

  /** The system property that asks for a transport. */
  public static final String PROPERTY = "gantry.transport";

  private static final Logger log = LoggerFactory.getLogger(Transports.class);

  /** The transport of a daemon that prefers epoll. */
  public static Transports chosen() {
    return chosen(EPOLL);
  }

  /** The transport asked for with {@link #PROPERTY}, else {@code preferred}, where it can load here. */
  public static Transports chosen(Transports preferred) {
    String asked = System.getProperty(PROPERTY, "");
    Transports wanted = asked.isEmpty() ? preferred : parse(asked);
    if (wanted == IO_URING && !IoUring.isAvailable()) {
      log.warn("io_uring transport not available here ({}); trying epoll", reason(IoUring::unavailabilityCause));
      wanted = EPOLL;
    }
    if (wanted == EPOLL && !Epoll.isAvailable()) {
      log.warn("epoll transport not available here ({}); using NIO", reason(Epoll::unavailabilityCause));
      wanted = NIO;
    }
    return wanted;
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
