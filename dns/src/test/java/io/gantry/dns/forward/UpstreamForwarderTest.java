package io.gantry.dns.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.dns.DnsTesting;
import io.gantry.dns.DnsTesting.Rendered;
import io.gantry.dns.metrics.DnsMetrics;
import io.gantry.dns.server.DnsRequest;
import io.gantry.dns.zone.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Forwarding to fake upstreams on 127.0.0.1, with time from a fake ticker. */
class UpstreamForwarderTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final DnsMetrics metrics = new DnsMetrics("dns://:0");
  private FakeUpstream upstream;
  private FakeUpstream stub;
  private UpstreamForwarder forwarder;

  private UpstreamForwarder forwarder(Duration tryTimeout) throws Exception {
    upstream = new FakeUpstream("192.0.2.1");
    stub = new FakeUpstream("192.0.2.99");
    forwarder = new UpstreamForwarder(List.of(upstream.address()), Map.of("corp.example.", List.of(stub.address())),
        1000, tryTimeout, Duration.ofMinutes(5), metrics, now::get);
    return forwarder;
  }

  @AfterEach
  void close() throws Exception {
    if (forwarder != null) {
      forwarder.close();
    }
    if (upstream != null) {
      upstream.close();
      stub.close();
    }
  }

  private Rendered ask(String name, int id) throws Exception {
    CompletableFuture<ByteBuf> reply = new CompletableFuture<>();
    DnsRequest request = new DnsRequest(id, 0x0100, name, Wire.TYPE_A, 1, 0, 0, null, DnsTesting.CLIENT, false);
    forwarder.forward(request, ByteBufAllocator.DEFAULT, reply::complete);
    ByteBuf response = reply.get(5, TimeUnit.SECONDS);
    assertEquals(id, response.getUnsignedShort(0), "the client's id");
    return DnsTesting.render(response);
  }

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  @Test
  void answersAreForwardedThenServedFromTheCacheWithAgedTtls() throws Exception {
    forwarder(Duration.ofSeconds(1));
    assertEquals(List.of("a.example.org. 60 A 192.0.2.1"), ask("a.example.org.", 1).answers());
    advance(Duration.ofSeconds(15));
    Rendered cached = ask("A.Example.ORG.", 2);
    assertEquals(List.of("A.Example.ORG. 45 A 192.0.2.1"), cached.answers(), "the client's spelling, TTL aged");
    assertEquals(1, upstream.queries.get());
    advance(Duration.ofSeconds(50));
    ask("a.example.org.", 3);
    assertEquals(2, upstream.queries.get(), "expired: asked again");
    assertTrue(metrics.render().contains("coredns_cache_hits_total{server=\"dns://:0\",zones=\".\",view=\"\",type=\"success\"} 1"));
  }

  @Test
  void theResponseHasTheClientsRdAndCdBitsAndOurOptRecordWithItsDoBit() throws Exception {
    forwarder(Duration.ofSeconds(1));
    for (int flags : new int[] {0x0000, 0x0010, 0x0100}) {
      for (boolean dnssecOk : new boolean[] {false, true}) {
        CompletableFuture<ByteBuf> reply = new CompletableFuture<>();
        forwarder.forward(new DnsRequest(7, flags, "b.example.org.", Wire.TYPE_A, 1, 1232, 0, dnssecOk, null,
            DnsTesting.CLIENT, false, null), ByteBufAllocator.DEFAULT, reply::complete);
        ByteBuf response = reply.get(5, TimeUnit.SECONDS);
        try {
          assertEquals(flags, response.getUnsignedShort(2) & 0x0110, "RD and CD as the client sent them");
          assertEquals(1, response.getUnsignedShort(10), "the upstream answered without OPT; ours is added");
          int opt = response.writerIndex() - 11;
          assertEquals(Wire.TYPE_OPT, response.getUnsignedShort(opt + 1));
          assertEquals(1232, response.getUnsignedShort(opt + 3));
          assertEquals(dnssecOk ? 0x8000 : 0, response.getUnsignedShort(opt + 7));
          assertEquals(List.of("b.example.org. 60 A 192.0.2.1"), DnsTesting.render(response.retain()).answers());
        } finally {
          response.release();
        }
      }
    }
  }

  @Test
  void negativeAnswersAreCachedForTheSoaMinimum() throws Exception {
    forwarder(Duration.ofSeconds(1));
    Rendered nx = ask("x.nx.example.org.", 1);
    assertEquals(3, nx.rcode());
    assertEquals(1, nx.authority().size());
    assertTrue(nx.authority().get(0).startsWith("example.org. 10 SOA"),
        "RFC 2308 section 5: the SOA's TTL is min(TTL 30, MINIMUM 10): " + nx.authority());
    advance(Duration.ofSeconds(9));
    Rendered cached = ask("x.nx.example.org.", 2);
    assertEquals(3, cached.rcode());
    assertTrue(cached.authority().get(0).startsWith("example.org. 1 SOA"), cached.authority().toString());
    assertEquals(1, upstream.queries.get(), "cached for min(SOA TTL 30, minimum 10)");
    advance(Duration.ofSeconds(2));
    ask("x.nx.example.org.", 3);
    assertEquals(2, upstream.queries.get());
  }

  @Test
  void stubDomainsGoToTheirOwnServers() throws Exception {
    forwarder(Duration.ofSeconds(1));
    assertEquals(List.of("db.corp.example. 60 A 192.0.2.99"), ask("db.corp.example.", 1).answers());
    assertEquals(0, upstream.queries.get());
    assertEquals(1, stub.queries.get());
  }

  @Test
  void servfailQuicklyWhenNoUpstreamAnswers() throws Exception {
    forwarder(Duration.ofMillis(200));
    long start = System.nanoTime();
    assertEquals(2, ask("silent.example.org.", 1).rcode());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 1500, "SERVFAIL after " + millis + " ms");
    assertEquals(2, upstream.queries.get(), "one retry");
    assertTrue(metrics.render().contains("gantry_dns_upstream_failures_total"));
  }

  @Test
  void anAnswerTruncatedOverUdpIsAskedAgainOverTcp() throws Exception {
    forwarder(Duration.ofSeconds(1));
    CompletableFuture<ByteBuf> reply = new CompletableFuture<>();
    // a TCP client: up to 65535 bytes
    DnsRequest request = new DnsRequest(7, 0x0100, "big.example.org.", Wire.TYPE_A, 1, 0, 0, null, DnsTesting.CLIENT,
        true);
    forwarder.forward(request, ByteBufAllocator.DEFAULT, reply::complete);
    Rendered r = DnsTesting.render(reply.get(5, TimeUnit.SECONDS));
    assertEquals(0, r.rcode());
    assertEquals(100, r.answers().size(), "the whole answer, from the upstream's TCP");
    assertEquals(1, upstream.tcpQueries.get());
    Rendered udp = ask("big.example.org.", 8);
    assertTrue(udp.truncated(), "a 512-byte UDP client gets TC and retries over TCP");
    assertEquals(1, upstream.tcpQueries.get(), "the whole answer was cached");
  }

  @Test
  void anAnswerToAnEarlierAttemptThatComesAfterTheRetryIsTaken() throws Exception {
    forwarder(Duration.ofMillis(300));
    Rendered r = ask("slow450.example.org.", 1);
    assertEquals(0, r.rcode(), "the first attempt's answer at 450 ms, after the retry went out at 300 ms");
    assertEquals(List.of("slow450.example.org. 60 A 192.0.2.1"), r.answers());
    assertEquals(2, upstream.queries.get(), "the retry was sent");
  }

  @Test
  void aStaleAnswerIsServedForABoundedTimeWhenUpstreamsFail() throws Exception {
    forwarder(Duration.ofMillis(200));
    ask("b.example.org.", 1);
    upstream.down.set(true);
    advance(Duration.ofSeconds(120));
    Rendered stale = ask("b.example.org.", 2);
    assertEquals(List.of("b.example.org. 30 A 192.0.2.1"), stale.answers(), "stale, TTL 30 (RFC 8767)");
    advance(Duration.ofMinutes(10));
    assertEquals(2, ask("b.example.org.", 3).rcode(), "past the stale window: SERVFAIL");
  }
}
