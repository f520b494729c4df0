package io.gantry.dns.server;

import io.gantry.dns.forward.Forwarder;
import io.gantry.dns.metrics.DnsMetrics;
import io.gantry.dns.zone.Answer;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.gantry.dns.zone.Wire;
import io.gantry.dns.zone.ZoneHolder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet6Address;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one {@link DnsRequest}: from the current zone snapshot (read once), through
 * {@link Autopath} for pods' search-path expansions, or by the {@link Forwarder}, following an
 * ExternalName's CNAME with {@link CnameChaser}; with FORMERR,
 * NOTIMP, REFUSED or BADVERS where the protocol says so. Writes without flushing; the flush
 * comes once per read batch so that epoll can send many answers with one sendmmsg.
 *
 * <p>Never lets an exception out: a bug answers SERVFAIL and is logged, the server keeps serving.
 * Immutable, hence {@code @Sharable} across the UDP and TCP pipelines.
 */
@Sharable
public final class DnsQueryHandler extends SimpleChannelInboundHandler<DnsRequest> {

  private static final Logger log = LoggerFactory.getLogger(DnsQueryHandler.class);

  private final ZoneHolder zone;
  private final Forwarder forwarder;
  private final Autopath autopath;
  private final DnsMetrics metrics;
  private final CnameChaser chaser;

  /**
   * @param forwarder where other names go, or null to refuse them
   * @param autopath  server-side search-path expansion, or null when switched off
   */
  public DnsQueryHandler(ZoneHolder zone, Forwarder forwarder, Autopath autopath, DnsMetrics metrics) {
    this.zone = zone;
    this.forwarder = forwarder;
    this.autopath = autopath;
    this.metrics = metrics;
    this.chaser = new CnameChaser(forwarder);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DnsRequest request) {
    long start = System.nanoTime();
    metrics.request(request.tcp(), request.sender() != null && request.sender().getAddress() instanceof Inet6Address,
        request.qtype());
    ByteBuf out = ctx.alloc().ioBuffer(request.tcp() ? 512 : 256);
    int rcode;
    try {
      rcode = answer(ctx, request, out);
    } catch (RuntimeException | StackOverflowError e) {
      log.warn("answering {} type {} failed; answering SERVFAIL", request.name(), request.qtype(), e);
      out.clear();
      rcode = Answer.SERVFAIL;
      ResponseWriter.writeError(out, request, rcode);
    }
    if (rcode < 0) {
      out.release(); // forwarded: the forwarder replies
      return;
    }
    if (forwarder == null) {
      ResponseWriter.clearRecursionAvailable(out); // RFC 1035 4.1.1: RA says whether recursion is offered
    }
    metrics.response(rcode, request.qtype(), System.nanoTime() - start);
    send(ctx, request, out, false);
  }

  /** Writes the answer into {@code out} and returns its rcode, or -1 when the forwarder took over. */
  private int answer(ChannelHandlerContext ctx, DnsRequest request, ByteBuf out) {
    if (request.opcode() != 0) {
      ResponseWriter.writeError(out, request, Answer.NOTIMP);
      return Answer.NOTIMP;
    }
    if (request.problem() != null) {
      ResponseWriter.writeError(out, request, Answer.FORMERR);
      return Answer.FORMERR;
    }
    if (request.qtype() == Wire.TYPE_AXFR || request.qtype() == Wire.TYPE_IXFR) {
      ResponseWriter.writeError(out, request, Answer.NOTIMP);
      return Answer.NOTIMP;
    }
    if (request.ednsVersion() > 0) {
      ResponseWriter.write(out, request, new Answer(ResponseWriter.BADVERS, new byte[0], new int[0], new byte[0], 0,
          new byte[0], 0), false);
      return ResponseWriter.BADVERS;
    }
    if (request.qclass() != Wire.CLASS_IN && request.qclass() != Wire.TYPE_ANY) {
      ResponseWriter.writeError(out, request, Answer.REFUSED);
      return Answer.REFUSED;
    }
    DnsZoneSnapshot snapshot = zone.get();
    Answer answer = snapshot.lookup(request.name(), request.qtype());
    if (autopath != null && (answer == null || answer.rcode() == Answer.NXDOMAIN)) {
      Answer expanded = autopath.expand(snapshot, request);
      if (expanded != null) {
        answer = expanded;
      }
    }
    if (answer != null && CnameChaser.applies(request, answer)) {
      CnameChaser.Chain chain = CnameChaser.follow(snapshot, request, answer);
      if (!chain.outside()) {
        answer = CnameChaser.inZone(request, chain, answer, snapshot.config().ttl());
      } else if (chaser.forwards()) {
        long start = System.nanoTime();
        chaser.outside(request, chain.targets(), ctx.alloc(), snapshot.config().ttl(), response -> {
          metrics.response(response.getUnsignedByte(3) & 0xF, request.qtype(), System.nanoTime() - start);
          send(ctx, request, response, true);
        });
        return -1;
      }
    }
    if (answer != null) {
      if (answer.answerCount() > 1) {
        answer = answer.withAddressesRotated(ThreadLocalRandom.current().nextInt(answer.answerCount()));
      }
      ResponseWriter.write(out, request, answer, true);
      return answer.rcode();
    }
    if (forwarder == null) {
      ResponseWriter.writeError(out, request, Answer.REFUSED);
      return Answer.REFUSED;
    }
    long start = System.nanoTime();
    forwarder.forward(request, ctx.alloc(), response -> {
      metrics.response(response.readableBytes() >= 4 ? response.getUnsignedByte(3) & 0xF : Answer.SERVFAIL,
          request.qtype(), System.nanoTime() - start);
      send(ctx, request, response, true);
    });
    return -1;
  }

  private static void send(ChannelHandlerContext ctx, DnsRequest request, ByteBuf response, boolean flush) {
    Object message = request.tcp() ? response : new DatagramPacket(response, request.sender());
    if (flush) {
      ctx.writeAndFlush(message, ctx.voidPromise());
    } else {
      ctx.write(message, ctx.voidPromise());
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (ctx.channel() instanceof io.netty.channel.socket.DatagramChannel) {
      log.debug("UDP error (the server keeps serving): {}", cause.toString());
    } else {
      log.debug("closing TCP connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
