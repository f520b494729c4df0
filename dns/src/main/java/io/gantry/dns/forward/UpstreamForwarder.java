package io.gantry.dns.forward;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.gantry.common.transport.Transports;
import io.gantry.dns.metrics.DnsMetrics;
import io.gantry.dns.server.DnsRequest;
import io.gantry.dns.server.ResponseWriter;
import io.gantry.dns.zone.Answer;
import io.gantry.dns.zone.Wire;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Forwards names outside the cluster zone to upstream resolvers over UDP, with a Caffeine cache
 * that keeps each response for its smallest TTL (NXDOMAIN and NODATA for the SOA's negative TTL,
 * RFC 2308) and ages the TTLs it hands out. Stub domains send a suffix to its own servers. Each
 * upstream gets {@code tryTimeout} to answer before the next is tried; when none answers, a
 * cached answer expired less than {@code serveStale} ago is served with TTL 30 (RFC 8767), else
 * SERVFAIL.
 *
 * <p>Concurrency: one event loop owns the upstream socket, the timeouts and the pending map's
 * mutations through it; the cache is Caffeine's (thread-safe); replies run on that loop and hand
 * the buffer to the server's channel.
 */
@SuppressWarnings("deprecation") // Netty 4.2 deprecates RCVBUF_ALLOCATOR without a stable replacement yet
public final class UpstreamForwarder implements Forwarder {

  private static final int STALE_TTL = 30;
  private static final int MAX_RESPONSE = 4096;
  /** The header bits a response takes from its query rather than from the upstream: RD and CD. */
  private static final int CLIENT_FLAGS = 0x0100 | 0x0010;

  /** A response as the cache keeps it. */
  record Cached(byte[] message, ResponseInspector inspection, long storedNanos) {
  }

  /**
   * One client query being forwarded; touched only on the loop. Every attempt's id stays answerable
   * until the query completes, so an answer to an earlier attempt that arrives after the next was
   * sent is still taken.
   */
  private static final class Query {
    final DnsRequest request;
    final String key;
    final List<InetSocketAddress> servers;
    final ByteBufAllocator alloc;
    final Consumer<ByteBuf> reply;
    final List<Integer> ids = new ArrayList<>(3);
    ScheduledFuture<?> timeout;
    boolean done;

    Query(DnsRequest request, String key, List<InetSocketAddress> servers, ByteBufAllocator alloc,
        Consumer<ByteBuf> reply) {
      this.request = request;
      this.key = key;
      this.servers = servers;
      this.alloc = alloc;
      this.reply = reply;
    }
  }

  /** One datagram sent for a query: the id's owner and the server that must answer it. */
  private record Attempt(Query query, InetSocketAddress server) {
  }

  private final List<InetSocketAddress> upstreams;
  private final Map<String, List<InetSocketAddress>> stubs;
  private final Duration tryTimeout;
  private final long serveStaleNanos;
  private final DnsMetrics metrics;
  private final Ticker ticker;
  private final Cache<String, Cached> cache;
  private final EventLoopGroup group;
  private final Channel channel;
  /** For answers that came back truncated over UDP: the same server is asked again over TCP. */
  private final Bootstrap tcp;
  private final Map<Integer, Attempt> pending = new ConcurrentHashMap<>();

  /**
   * @param upstreams  the default resolvers (may be empty when every name has a stub domain)
   * @param stubs      suffix (lower case, trailing dot) to its resolvers
   * @param tryTimeout how long one upstream has to answer
   * @param serveStale how long after expiry a cached answer may still be served when no upstream answers
   */
  public UpstreamForwarder(List<InetSocketAddress> upstreams, Map<String, List<InetSocketAddress>> stubs,
      int cacheSize, Duration tryTimeout, Duration serveStale, DnsMetrics metrics, Ticker ticker)
      throws InterruptedException {
    this.upstreams = List.copyOf(upstreams);
    this.stubs = Map.copyOf(stubs);
    this.tryTimeout = Objects.requireNonNull(tryTimeout, "tryTimeout");
    this.serveStaleNanos = serveStale.toNanos();
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.ticker = ticker;
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize: " + cacheSize + " (expected: 0 or more)");
    }
    this.cache = Caffeine.newBuilder().maximumSize(cacheSize).ticker(ticker)
        .expireAfter(Expiry.creating((String key, Cached value) ->
            Duration.ofSeconds(value.inspection().cacheTtl()).plusNanos(serveStaleNanos)))
        .build();
    Transports transport = Transports.chosen();
    this.group = transport.group(1);
    this.channel = new Bootstrap().group(group).channel(transport.datagramChannel())
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_RESPONSE))
        .handler(new ChannelInitializer<DatagramChannel>() {
          @Override
          protected void initChannel(DatagramChannel ch) {
            ch.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                onResponse(packet);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // ICMP errors and the like: the timeout handles the query
              }
            });
          }
        })
        .bind(new InetSocketAddress(0)).sync().channel();
    this.tcp = new Bootstrap().group(group).channel(transport.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, tryTimeout.toMillis()));
  }

  @Override
  public void forward(DnsRequest request, ByteBufAllocator alloc, Consumer<ByteBuf> reply) {
    String lower = request.name().toLowerCase(Locale.ROOT);
    String key = lower + "/" + request.qtype() + "/" + request.qclass();
    Cached cached = cache.getIfPresent(key);
    long now = ticker.read();
    if (cached != null && now - cached.storedNanos() < TimeUnit.SECONDS.toNanos(cached.inspection().cacheTtl())) {
      metrics.cacheHit(cached.inspection().rcode() != 0 || cached.inspection().ttlOffsets().length == 0);
      reply.accept(fromCache(alloc, request, cached, now, false));
      return;
    }
    metrics.cacheMiss();
    List<InetSocketAddress> servers = serversFor(lower);
    if (servers.isEmpty()) {
      reply.accept(error(alloc, request, Answer.SERVFAIL));
      return;
    }
    channel.eventLoop().execute(() -> send(new Query(request, key, servers, alloc, reply)));
  }

  private List<InetSocketAddress> serversFor(String lower) {
    String best = null;
    for (String suffix : stubs.keySet()) {
      if ((lower.equals(suffix) || Wire.endsWithLabels(lower, "." + suffix))
          && (best == null || suffix.length() > best.length())) {
        best = suffix;
      }
    }
    return best != null ? stubs.get(best) : upstreams;
  }

  /** On the loop: sends the query's next attempt to its server and arms the attempt's timeout. */
  private void send(Query q) {
    int id;
    do {
      id = ThreadLocalRandom.current().nextInt(0x10000);
    } while (pending.containsKey(id));
    int queryId = id;
    InetSocketAddress server = q.servers.get(q.ids.size() % q.servers.size());
    pending.put(queryId, new Attempt(q, server));
    q.ids.add(queryId);
    q.timeout = channel.eventLoop().schedule(() -> timedOut(q, server), tryTimeout.toNanos(), TimeUnit.NANOSECONDS);
    metrics.forwardRequest(server.toString());
    channel.writeAndFlush(new DatagramPacket(query(queryId, q.request), server), channel.voidPromise());
  }

  private void timedOut(Query q, InetSocketAddress server) {
    if (!q.done) {
      metrics.upstreamFailure(server.toString());
      next(q);
    }
  }

  /** The latest attempt failed: another attempt, or a stale answer, or SERVFAIL. */
  private void next(Query q) {
    if (q.ids.size() < Math.min(q.servers.size() + 1, 3)) {
      send(q);
      return;
    }
    complete(q);
    Cached stale = cache.getIfPresent(q.key);
    long now = ticker.read();
    if (stale != null && now - stale.storedNanos()
        < TimeUnit.SECONDS.toNanos(stale.inspection().cacheTtl()) + serveStaleNanos) {
      metrics.staleServed();
      q.reply.accept(fromCache(q.alloc, q.request, stale, now, true));
      return;
    }
    q.reply.accept(error(q.alloc, q.request, Answer.SERVFAIL));
  }

  /** Ends the query: no attempt of it is answerable any more. */
  private void complete(Query q) {
    q.done = true;
    q.timeout.cancel(false);
    for (int id : q.ids) {
      pending.remove(id);
    }
  }

  private void onResponse(DatagramPacket packet) {
    ByteBuf content = packet.content();
    if (content.readableBytes() < 12) {
      return;
    }
    int id = content.getUnsignedShort(content.readerIndex());
    Attempt attempt = pending.get(id);
    if (attempt == null) {
      return;
    }
    if (!attempt.server().equals(packet.sender())) {
      return; // not from the server we asked: ignore, as a spoofed answer would be
    }
    Query q = attempt.query();
    byte[] message = ByteBufUtil.getBytes(content);
    ResponseInspector inspection = ResponseInspector.inspect(message);
    if (inspection == null || !sameQuestion(message, inspection, q.request)) {
      return;
    }
    metrics.forwardResponse(attempt.server().toString(), inspection.rcode());
    if (inspection.rcode() == Answer.SERVFAIL || inspection.rcode() == Answer.REFUSED) {
      pending.remove(id);
      if (id == q.ids.getLast()) { // an earlier attempt's failure leaves the latest one waiting
        q.timeout.cancel(false);
        next(q);
      }
      return;
    }
    if ((message[2] & 0x02) != 0) {
      overTcp(q, attempt.server(), id, new Cached(message, inspection, ticker.read()));
      return;
    }
    answered(q, message, inspection);
  }

  private void answered(Query q, byte[] message, ResponseInspector inspection) {
    complete(q);
    Cached cached = new Cached(message, inspection, ticker.read());
    if (inspection.cacheTtl() > 0) {
      cache.put(q.key, cached);
    }
    q.reply.accept(fromCache(q.alloc, q.request, cached, cached.storedNanos(), false));
  }

  /**
   * The server's UDP answer was truncated: asks it again over TCP (RFC 7766 section 5), with a try's
   * time for it. When that fails the client gets the truncated answer, TC set, as before.
   */
  private void overTcp(Query q, InetSocketAddress server, int id, Cached truncated) {
    q.timeout.cancel(false);
    q.timeout = channel.eventLoop().schedule(() -> timedOut(q, server), tryTimeout.toNanos(), TimeUnit.NANOSECONDS);
    Runnable fallBack = () -> {
      if (!q.done) {
        complete(q);
        q.reply.accept(fromCache(q.alloc, q.request, truncated, truncated.storedNanos(), false));
      }
    };
    tcp.clone().handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2),
            new SimpleChannelInboundHandler<ByteBuf>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                ctx.close();
                byte[] message = ByteBufUtil.getBytes(frame);
                ResponseInspector inspection = ResponseInspector.inspect(message);
                if (q.done) {
                  return;
                }
                if (inspection == null || ResponseInspector.u16(message, 0) != id
                    || !sameQuestion(message, inspection, q.request)) {
                  fallBack.run();
                  return;
                }
                answered(q, message, inspection);
              }

              @Override
              public void channelInactive(ChannelHandlerContext ctx) {
                fallBack.run();
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
      }
    }).connect(server).addListener((io.netty.channel.ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        fallBack.run();
        return;
      }
      ByteBuf query = query(id, q.request);
      ByteBuf framed = f.channel().alloc().buffer(2 + query.readableBytes());
      framed.writeShort(query.readableBytes()).writeBytes(query);
      query.release();
      f.channel().writeAndFlush(framed);
    });
  }

  private static boolean sameQuestion(byte[] message, ResponseInspector inspection, DnsRequest request) {
    ByteBuf expected = Unpooled.buffer(300);
    try {
      writeQuestion(expected, request);
      int length = expected.readableBytes();
      if (inspection.questionEnd() - 12 != length) {
        return false;
      }
      for (int i = 0; i < length; i++) {
        if (asciiLower(message[12 + i]) != asciiLower(expected.getByte(i))) {
          return false;
        }
      }
      return true;
    } finally {
      expected.release();
    }
  }

  /**
   * The response for {@code request} from a cached message: its id, its question spelling, its RD and CD bits
   * (RFC 1035 section 4.1.1; RFC 4035 section 3.2.2), aged TTLs, and our OPT record when it used EDNS (with its
   * DO bit, RFC 3225) in place of the upstream's, which has the upstream's size and options.
   */
  private static ByteBuf fromCache(ByteBufAllocator alloc, DnsRequest request, Cached cached, long now, boolean stale) {
    byte[] message = cached.message();
    ResponseInspector inspection = cached.inspection();
    int flags = ResponseInspector.u16(message, 2) & ~CLIENT_FLAGS | request.flags() & CLIENT_FLAGS;
    int optStart = inspection.optStart();
    int extendedRcode = optStart >= 0 && message[optStart] == 0 ? message[optStart + 5] & 0xFF : 0;
    int body = optStart >= 0 ? optStart : message.length;
    int optBytes = request.edns() ? 11 : 0;
    if (body + optBytes > ResponseWriter.limit(request)) {
      ByteBuf out = alloc.ioBuffer(64);
      out.writeShort(request.id());
      out.writeShort((flags | 0x0200) & ~0x0400); // TC: retry over TCP
      out.writeShort(1).writeShort(0).writeShort(0).writeShort(request.edns() ? 1 : 0);
      writeQuestion(out, request);
      if (request.edns()) {
        ResponseWriter.writeOpt(out, extendedRcode, request.dnssecOk());
      }
      return out;
    }
    ByteBuf out = alloc.ioBuffer(body + optBytes);
    out.writeBytes(message, 0, body);
    out.setShort(0, request.id());
    out.setShort(2, flags);
    out.setShort(10, ResponseInspector.u16(message, 10) - (optStart >= 0 ? 1 : 0) + (request.edns() ? 1 : 0));
    ByteBuf question = out.slice(12, inspection.questionEnd() - 12);
    question.writerIndex(0);
    writeQuestion(question, request);
    long age = TimeUnit.NANOSECONDS.toSeconds(now - cached.storedNanos());
    // No record outlives the cached message: a negative answer's SOA says min(TTL, MINIMUM) (RFC 2308
    // section 5), as CoreDNS's cache sets every record to the item's remaining TTL.
    long cap = inspection.cacheTtl() >= 0 ? inspection.cacheTtl() : Long.MAX_VALUE;
    for (int offset : inspection.ttlOffsets()) {
      if (offset >= body) {
        break;
      }
      long ttl = stale ? STALE_TTL : Math.max(0, Math.min(ResponseInspector.u32(message, offset), cap) - age);
      out.setInt(offset, (int) ttl);
    }
    if (request.edns()) {
      ResponseWriter.writeOpt(out, extendedRcode, request.dnssecOk());
    }
    return out;
  }

  /** The client's question as it came (names may hold any octet), or encoded from its fields. */
  private static void writeQuestion(ByteBuf out, DnsRequest request) {
    if (request.question() != null) {
      out.writeBytes(request.question());
      return;
    }
    out.writeBytes(Wire.name(request.name()));
    out.writeShort(request.qtype());
    out.writeShort(request.qclass());
  }

  /** Case folds only A-Z (RFC 4343): other octets of a label are compared as they are. */
  private static byte asciiLower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
  }

  private static ByteBuf query(int id, DnsRequest request) {
    ByteBuf out = Unpooled.buffer(64);
    out.writeShort(id);
    out.writeShort(0x0100); // RD
    out.writeShort(1).writeShort(0).writeShort(0).writeShort(1);
    int nameStart = out.writerIndex();
    writeQuestion(out, request);
    for (int i = nameStart; i < out.writerIndex() - 4; i++) {
      out.setByte(i, asciiLower(out.getByte(i)));
    }
    out.writeByte(0).writeShort(Wire.TYPE_OPT).writeShort(ResponseWriter.ADVERTISED_UDP_SIZE).writeInt(0).writeShort(0);
    return out;
  }

  private static ByteBuf error(ByteBufAllocator alloc, DnsRequest request, int rcode) {
    ByteBuf out = alloc.ioBuffer(64);
    ResponseWriter.writeError(out, request, rcode);
    return out;
  }

  /** How many responses the cache holds (for tests and status). */
  public long cacheSize() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
