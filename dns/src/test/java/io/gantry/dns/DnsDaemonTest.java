package io.gantry.dns;

import static io.gantry.dns.zone.Wire.TYPE_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.dns.DnsTesting.Rendered;
import io.gantry.dns.forward.FakeUpstream;
import io.gantry.dns.zone.Wire;
import io.gantry.dns.zone.ZoneConfig;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole daemon in-process, asked by a Java resolver over real UDP: zone, forwarding, metrics. */
class DnsDaemonTest {

  @Test
  void servesTheZoneForwardsTheRestAndCountsBoth() throws Exception {
    Path dir = Files.createTempDirectory("gantry-dns-daemon-");
    Files.writeString(dir.resolve("svc.yaml"), """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default}
        spec: {clusterIP: 127.96.0.10}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ext, namespace: default}
        spec: {type: ExternalName, externalName: www.example.org}
        """);
    try (FakeUpstream upstream = new FakeUpstream("192.0.2.7");
        DnsDaemon daemon = DnsDaemon.start(new DnsDaemonConfig(new InetSocketAddress("127.0.0.1", 0), 1,
            ZoneConfig.defaults(), dir, null, "test", List.of(upstream.address()), Map.of(), true, true, 100,
            Duration.ofMillis(500), Duration.ofMinutes(1), new InetSocketAddress("127.0.0.1", 0)))) {
      Rendered inZone = resolve(daemon.address(), "web.default.svc.cluster.local");
      assertEquals(List.of("web.default.svc.cluster.local. 5 A 127.96.0.10"), inZone.answers());
      assertTrue(inZone.recursionAvailable(), "with an upstream, recursion is on offer");
      assertEquals(List.of("www.example.org. 60 A 192.0.2.7"), resolve(daemon.address(), "www.example.org").answers());
      resolve(daemon.address(), "www.example.org");
      assertEquals(1, upstream.queries.get(), "the second came from the cache");
      assertEquals(List.of("ext.default.svc.cluster.local. 5 CNAME www.example.org.", "www.example.org. 60 A 192.0.2.7"),
          resolve(daemon.address(), "ext.default.svc.cluster.local").answers(),
          "an ExternalName's CNAME is followed, as a stub resolver will not");
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + daemon.adminAddress().getPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("coredns_dns_requests_total{server=\"dns://:0\",zone=\".\",view=\"\",proto=\"udp\","
          + "family=\"1\",type=\"A\"} 4"), metrics);
      assertTrue(metrics.contains("rcode=\"NOERROR\",plugin=\"\"} 4"), metrics);
      assertTrue(metrics.contains("coredns_dns_request_duration_seconds_count{"), metrics);
      assertTrue(metrics.contains("coredns_cache_misses_total{server=\"dns://:0\",zones=\".\",view=\"\"} 1"), metrics);
    } finally {
      Files.walk(dir).sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
  }

  static Rendered resolve(InetSocketAddress server, String name) throws Exception {
    ByteArrayOutputStream query = new ByteArrayOutputStream();
    query.writeBytes(new byte[] {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0});
    query.writeBytes(Wire.name(name));
    query.writeBytes(new byte[] {0, (byte) TYPE_A, 0, 1});
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(3000);
      socket.send(new DatagramPacket(query.toByteArray(), query.size(), server));
      byte[] buffer = new byte[4096];
      DatagramPacket response = new DatagramPacket(buffer, buffer.length);
      socket.receive(response);
      return DnsTesting.render(Unpooled.wrappedBuffer(Arrays.copyOf(buffer, response.getLength())));
    }
  }
}
