package io.gantry.proxy.tcp;

import io.gantry.proxy.balance.Target;
import io.gantry.proxy.metrics.ServiceMetrics;
import io.gantry.proxy.table.ListenKey;
import io.gantry.proxy.table.RoutingSnapshot;
import io.gantry.proxy.table.ServiceEntry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one relayed connection. Admission is decided once, at accept: the
 * connection limit, then the routing table's entry for the address the client reached (read
 * once; a client outside a LoadBalancer IP's source ranges is closed at once; in-cluster clients
 * of a LoadBalancer IP or external IP get its cluster-wide entry), then a pick. No entry, or no
 * usable endpoint anywhere: a TCP reset at once (the listener of such a port is closed, so this
 * happens only in the moment before it closes; kube-proxy's REJECT); a {@code Local} policy
 * without a local endpoint while other nodes have some: a plain close (the proxy cannot
 * un-accept, so kube-proxy's DROP is a FIN without data, or a reset when the client already
 * sent some). The endpoint is dialled on this event loop; the client is read only once it is
 * connected, so a failed connect before any byte retries another endpoint. Once connected, both
 * sides read by themselves and pause while the other side's write buffer is over its high-water
 * mark (backpressure by writability rather than by per-read requests, which cost two epoll_ctl
 * calls per read: measured in bin/bench proxy).
 */
// Netty 4.2 deprecates RCVBUF_ALLOCATOR and spliceTo without a stable replacement yet.
@SuppressWarnings("deprecation")
final class FrontendHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

  private final TcpSettings settings;
  private Channel inbound;
  private Channel outbound;
  private ServiceEntry entry;
  private final ListenKey listener;
  private Target target;
  private List<Target> tried;
  private ServiceMetrics metrics;
  private boolean admitted;
  private boolean counted;
  private boolean connected;
  private ConnectionRegistry.Tracked tracked;
  /** What the client sent before the endpoint answered (epoll reads on RDHUP even with AUTO_READ off). */
  private java.util.ArrayDeque<Object> early;
  private boolean inputShutdownEarly;
  /** Bytes moved either way since the last tick of the timers (set by both handlers, on this loop). */
  boolean active;
  private long lastActiveNanos;
  private long connectDeadlineNanos;
  private ChannelPromise connecting;
  private ConnectionTimers timers;
  /** Links of {@link ConnectionTimers}' list. */
  FrontendHandler prevTimed;
  FrontendHandler nextTimed;

  FrontendHandler(TcpSettings settings, ListenKey listener) {
    this.settings = settings;
    this.listener = listener;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    inbound = ctx.channel();
    if (!settings.connections().admit()) {
      settings.metrics().rejectedOverLimit();
      Relays.reset(inbound);
      return;
    }
    admitted = true;
    java.net.InetAddress client = ((InetSocketAddress) inbound.remoteAddress()).getAddress();
    RoutingSnapshot table = settings.snapshot().get();
    ServiceEntry listened = table.lookup(listener);
    if (listened != null && !listened.admits(client)) {
      listened.metrics().noEndpoint();
      inbound.close(); // outside loadBalancerSourceRanges: kube-proxy drops
      return;
    }
    entry = table.route(listened, client, listener.address().getAddress()); // in-cluster clients: Cluster semantics
    if (entry == null) {
      Relays.reset(inbound);
      return;
    }
    metrics = entry.metrics();
    target = entry.pick(client);
    if (target == null) {
      metrics.noEndpoint();
      if (entry.dropsWithoutTargets()) {
        inbound.close();
      } else {
        Relays.reset(inbound);
      }
      return;
    }
    metrics.opened();
    counted = true;
    timers = ConnectionTimers.of(inbound.eventLoop());
    timers.add(this);
    connect();
  }

  private void connect() {
    // A channel built by hand: a Bootstrap per connection costs option maps and reflection.
    SocketChannel ch = settings.transport().newSocketChannel();
    SocketChannelConfig config = ch.config();
    config.setAutoRead(false);
    config.setAllowHalfClosure(true);
    config.setConnectTimeoutMillis(0); // the timers' sweep times the connect out: no timer per connection
    config.setWriteBufferWaterMark(TcpSettings.WATER_MARK);
    config.setRecvByteBufAllocator(TcpSettings.RECV_ALLOCATOR); // TCP_NODELAY is Netty's default
    ch.pipeline().addLast("relay", new BackendHandler(inbound, metrics, this));
    inbound.eventLoop().register(ch); // on this loop: registered before it returns
    Target dialled = target;
    connectDeadlineNanos = System.nanoTime() + settings.connectTimeout().toNanos();
    ChannelFuture f = ch.connect(dialled.address());
    outbound = ch;
    connecting = (ChannelPromise) f;
    f.addListener(done -> {
      connecting = null;
      if (done.isSuccess()) {
        if (!inbound.isActive()) {
          outbound.close();
          return;
        }
        connected = true;
        active = true; // the idle clock starts at the next tick
        dialled.load().opened();
        tracked = settings.connections().track(inbound, listener, dialled);
        if (early != null || inputShutdownEarly) {
          flushEarly();
        }
        if (!inputShutdownEarly && !Splicer.start(settings, inbound, outbound, metrics)) {
          // From here on both sides read by themselves while the other side keeps up: toggling
          // AUTO_READ only on writability changes saves two epoll_ctl calls per read.
          inbound.config().setAutoRead(true);
          outbound.config().setAutoRead(true);
        }
        return;
      }
      ch.close(); // a failed connect leaves the socket open (Bootstrap closes it; we do it here)
      metrics.connectError();
      if (!inbound.isActive()) {
        return;
      }
      if (tried == null) {
        tried = new ArrayList<>(settings.maxAttempts());
      }
      tried.add(dialled);
      Target next = tried.size() < settings.maxAttempts() ? entry.pickExcluding(tried) : null;
      log.debug("{}: connect to {} failed ({}); {}", entry.key(), dialled, done.cause().toString(),
          next == null ? "resetting the client" : "trying " + next);
      if (next == null) {
        Relays.reset(inbound);
      } else {
        target = next;
        connect();
      }
    });
  }

  /**
   * One tick of {@link ConnectionTimers}: fails a connect past its deadline (the connect listener
   * then tries another endpoint), and closes a connection idle for the idle timeout (so after 1
   * to 1 + one tick times the timeout). Idle timeout without a per-read clock or a per-write
   * listener (as IdleStateHandler has): reads only set {@link #active}.
   */
  void tick(long nowNanos) {
    if (!connected) {
      ChannelPromise c = connecting;
      if (c != null && nowNanos - connectDeadlineNanos >= 0) {
        c.tryFailure(new ConnectTimeoutException("connect timed out after " + settings.connectTimeout().toMillis()
            + " ms: " + target.address()));
      }
    } else if (active) {
      active = false;
      lastActiveNanos = nowNanos;
    } else if (nowNanos - lastActiveNanos >= settings.idleTimeout().toNanos()) {
      inbound.close();
    }
  }

  private void flushEarly() {
    Object msg;
    while (early != null && (msg = early.poll()) != null) {
      if (msg instanceof ByteBuf buf) {
        metrics.bytesIn(buf.readableBytes());
      }
      outbound.write(msg);
    }
    early = null;
    outbound.flush();
    if (inputShutdownEarly) {
      outbound.config().setAutoRead(true);
      Relays.forwardHalfClose(outbound, inbound);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!connected && outbound != null && inbound.isActive()) {
      if (early == null) {
        early = new java.util.ArrayDeque<>(2);
      }
      early.add(msg); // bounded: nothing asks for a read before the connect, so at most one RDHUP read
      return;
    }
    if (!connected || !outbound.isActive()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    active = true;
    if (msg instanceof ByteBuf buf) {
      metrics.bytesIn(buf.readableBytes());
    }
    // Forwarded at once rather than after the read batch (up to 16 reads): a bulk sender's bytes
    // stream on instead of piling up here. Failures surface in the endpoint's pipeline, which
    // closes it and so this side.
    outbound.writeAndFlush(msg, outbound.voidPromise());
    if (!outbound.isWritable()) {
      // Backpressure: stop reading the client until the endpoint's buffer drains
      // ({@link BackendHandler#channelWritabilityChanged}).
      inbound.config().setAutoRead(false);
    }
  }

  /** The client's buffer crossed a water mark: pause or resume reading the endpoint. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (connected) {
      outbound.config().setAutoRead(inbound.isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      if (connected) {
        Relays.forwardHalfClose(outbound, inbound);
      } else if (outbound != null) {
        inputShutdownEarly = true; // passed on once the endpoint answers
      } else {
        inbound.close();
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timers != null) {
      timers.remove(this);
      timers = null;
    }
    if (admitted) {
      admitted = false;
      settings.connections().release();
    }
    if (tracked != null) {
      settings.connections().untrack(tracked);
      tracked = null;
    }
    if (connected) {
      connected = false;
      target.load().closed();
    }
    if (counted) {
      counted = false;
      metrics.closed();
    }
    if (early != null) {
      early.forEach(ReferenceCountUtil::release);
      early = null;
    }
    Relays.closeOnFlush(outbound);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client connection {} failed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
