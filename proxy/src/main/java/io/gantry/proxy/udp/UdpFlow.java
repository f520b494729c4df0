package io.gantry.proxy.udp;

import io.gantry.proxy.balance.Target;
import io.gantry.proxy.metrics.ServiceMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.ArrayDeque;

/**
 * One client's flow: a socket connected to its endpoint, datagrams held while it is being set
 * up (bounded), and the time of the last datagram either way. Event-loop confined.
 */
final class UdpFlow {

  final Target target;
  /** Whether the client is in-cluster (decided when the flow opens): it uses the cluster-wide entry. */
  final boolean inCluster;
  private final int maxPending;
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
  private Channel channel;
  private ServiceMetrics metrics;
  private boolean ready;
  private boolean failed;
  private boolean closed;
  private long lastActive = System.nanoTime();

  UdpFlow(Target target, int maxPending, boolean inCluster) {
    this.target = target;
    this.inCluster = inCluster;
    this.maxPending = maxPending;
  }

  void attach(ChannelFuture connect, ServiceMetrics serviceMetrics) {
    this.channel = connect.channel();
    this.metrics = serviceMetrics;
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        serviceMetrics.connectError();
        fail();
        return;
      }
      ready = true;
      ByteBuf buf;
      while ((buf = pending.poll()) != null) {
        write(buf);
      }
    });
  }

  void send(ByteBuf datagram) {
    touch();
    if (closed || failed) {
      datagram.release();
    } else if (ready) {
      write(datagram);
    } else if (pending.size() < maxPending) {
      pending.add(datagram);
    } else {
      datagram.release();
    }
  }

  private void write(ByteBuf datagram) {
    metrics.bytesIn(datagram.readableBytes());
    if (channel.isWritable()) {
      channel.writeAndFlush(datagram, channel.voidPromise());
    } else {
      datagram.release();
    }
  }

  void touch() {
    lastActive = System.nanoTime();
  }

  long lastActive() {
    return lastActive;
  }

  /** False after a send error (ICMP unreachable): the next datagram starts a new flow. */
  boolean usable() {
    return !failed && !closed;
  }

  void fail() {
    failed = true;
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    target.load().closed();
    ByteBuf buf;
    while ((buf = pending.poll()) != null) {
      buf.release();
    }
    if (channel != null) {
      channel.close();
    }
  }
}
