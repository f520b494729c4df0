package io.gantry.proxy.udp;

import io.gantry.proxy.balance.Target;
import io.gantry.proxy.table.ListenKey;
import io.gantry.proxy.table.RoutingSnapshot;
import io.gantry.proxy.table.ServiceEntry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the datagrams of one UDP listener. Each client address gets a flow: a socket connected
 * to the endpoint picked for it. Datagrams of the flow go there; what comes back is sent to the
 * client from the listener's own socket (the service address). A flow whose endpoint left the
 * service is replaced on the client's next datagram; idle flows expire.
 *
 * <p>Concurrency: the flow map and every flow socket belong to the listener's event loop.
 */
// Netty 4.2 deprecates RCVBUF_ALLOCATOR and spliceTo without a stable replacement yet.
@SuppressWarnings("deprecation")
final class UdpFrontendHandler extends SimpleChannelInboundHandler<DatagramPacket> {

  private static final Logger log = LoggerFactory.getLogger(UdpFrontendHandler.class);

  /** Datagrams held per flow while its socket is being set up. */
  private static final int MAX_PENDING = 64;

  private final ListenKey key;
  private final UdpSettings settings;
  private final Map<InetSocketAddress, UdpFlow> flows = new HashMap<>();
  private Channel listener;
  private ScheduledFuture<?> expiry;

  UdpFrontendHandler(ListenKey key, UdpSettings settings) {
    this.key = key;
    this.settings = settings;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    listener = ctx.channel();
    long period = Math.max(100, Math.min(5_000, settings.idleTimeout().toMillis() / 4));
    expiry = ctx.executor().scheduleWithFixedDelay(this::expire, period, period, TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    RoutingSnapshot snapshot = settings.snapshot().get();
    ServiceEntry listened = snapshot.lookup(key);
    if (listened == null) {
      return; // the listener is closing
    }
    listened.metrics().datagram();
    InetSocketAddress client = packet.sender();
    UdpFlow flow = flows.get(client);
    // In-cluster or not is decided once per flow; the flow remembers it.
    ServiceEntry entry = flow != null && flow.inCluster && listened.inClusterEntry() != null
        ? listened.inClusterEntry() : listened;
    if (flow != null && (!entry.serves(flow.target.address()) || !flow.usable())) {
      flows.remove(client);
      flow.close();
      flow = null;
    }
    if (flow == null) {
      if (flows.size() >= settings.maxFlows()) {
        return;
      }
      if (!listened.admits(client.getAddress())) {
        listened.metrics().noEndpoint(); // outside loadBalancerSourceRanges: dropped
        return;
      }
      boolean inCluster = listened.inClusterEntry() != null
          && snapshot.inCluster(client.getAddress(), key.address().getAddress());
      entry = inCluster ? listened.inClusterEntry() : listened;
      Target target = entry.pick(client.getAddress());
      if (target == null) {
        entry.metrics().noEndpoint();
        return;
      }
      flow = open(client, target, entry, inCluster);
      flows.put(client, flow);
    }
    flow.send(packet.content().retain());
  }

  private UdpFlow open(InetSocketAddress client, Target target, ServiceEntry entry, boolean inCluster) {
    UdpFlow flow = new UdpFlow(target, MAX_PENDING, inCluster);
    entry.metrics().udpFlow();
    target.load().opened();
    Bootstrap b = new Bootstrap().group(listener.eventLoop()).channel(settings.transport().datagramChannel())
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UdpSettings.MAX_DATAGRAM))
        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext c, DatagramPacket reply) {
            flow.touch();
            entry.metrics().bytesOut(reply.content().readableBytes());
            if (listener.isWritable()) {
              listener.writeAndFlush(new DatagramPacket(reply.content().retain(), client));
            }
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            // ICMP port unreachable and the like: the next datagram picks again.
            log.debug("{}: flow {} -> {}: {}", entry.key(), client, target, cause.toString());
            flow.fail();
          }
        });
    flow.attach(b.connect(target.address()), entry.metrics());
    return flow;
  }

  private void expire() {
    long idle = settings.idleTimeout().toNanos();
    long now = System.nanoTime();
    for (Iterator<UdpFlow> it = flows.values().iterator(); it.hasNext(); ) {
      UdpFlow flow = it.next();
      if (now - flow.lastActive() >= idle) {
        it.remove();
        flow.close();
      }
    }
  }

  int flowCount() {
    return flows.size();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (expiry != null) {
      expiry.cancel(false);
    }
    flows.values().forEach(UdpFlow::close);
    flows.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("UDP listener {}: {}", key, cause.toString()); // never close the listener for one bad datagram
  }

}
