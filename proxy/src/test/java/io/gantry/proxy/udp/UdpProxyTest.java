package io.gantry.proxy.udp;

import static io.gantry.proxy.table.ViewFactory.endpoints;
import static io.gantry.proxy.table.ViewFactory.port;
import static io.gantry.proxy.table.ViewFactory.ready;
import static io.gantry.proxy.table.ViewFactory.service;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyServer;
import io.gantry.proxy.testing.UdpBackend;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The UDP data path over real sockets on 127.0.0.0/8. */
class UdpProxyTest {

  private final int net = ThreadLocalRandom.current().nextInt(1, 250);
  private final String vip = "127.96." + net + ".53";
  private ProxyServer proxy;
  private UdpBackend a;
  private UdpBackend b;

  @BeforeEach
  void start() throws Exception {
    proxy = ProxyServer.start(ProxyConfig.defaults("n1").withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
        Duration.ofMillis(800), Duration.ofSeconds(30)).withLimits(100, 1000, 1));
    a = new UdpBackend("a");
    b = new UdpBackend("b");
  }

  @AfterEach
  void stop() {
    proxy.close();
    a.close();
    b.close();
  }

  private void apply(ServiceView svc, EndpointView eps) throws Exception {
    proxy.update(List.of(svc), Map.of("default/" + svc.getName(), eps), List.of()).get(10, TimeUnit.SECONDS);
  }

  private static ServiceView dns(String vip) {
    return service("dns", vip, port("dns", "UDP", 5353, 0)).build();
  }

  private static EndpointView on(UdpBackend... backends) {
    return endpoints("dns", Arrays.stream(backends).map(x -> ready("127.0.0.1", "n1", "dns", "UDP", x.port()))
        .toArray(io.gantry.control.api.v1.Endpoint[]::new));
  }

  private DatagramPacket ask(DatagramSocket client, byte[] payload) throws Exception {
    client.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(InetAddress.getByName(vip), 5353)));
    byte[] buf = new byte[65535];
    DatagramPacket reply = new DatagramPacket(buf, buf.length);
    client.receive(reply);
    return reply;
  }

  private String text(DatagramSocket client, String payload) throws Exception {
    DatagramPacket p = ask(client, payload.getBytes(StandardCharsets.UTF_8));
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
  }

  private static DatagramSocket client() throws Exception {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    s.setSoTimeout(3000);
    return s;
  }

  @Test
  void echoThroughAClusterIpWithRepliesFromTheServiceAddress() throws Exception {
    apply(dns(vip), on(a));
    try (DatagramSocket client = client()) {
      DatagramPacket reply = ask(client, "ping".getBytes(StandardCharsets.UTF_8));
      assertEquals("a:ping", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
      assertEquals(new InetSocketAddress(InetAddress.getByName(vip), 5353), reply.getSocketAddress());
      byte[] big = new byte[8000];
      Arrays.fill(big, (byte) 'z');
      assertEquals(8002, ask(client, big).getLength());
    }
  }

  @Test
  void aBurstOfNewFlowsIsQueuedNotDropped() throws Exception {
    long rmemMax;
    try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/sys/net/core/rmem_max"))) {
      rmemMax = Long.parseLong(in.readLine().strip()); // a line: procfs files report no size to read by
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(rmemMax >= 1 << 20,
        "net.core.rmem_max is " + rmemMax + ": the kernel caps the listener's buffer below a burst's size");
    apply(dns(vip), on(a));
    List<DatagramSocket> clients = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        clients.add(client());
      }
      InetSocketAddress service = new InetSocketAddress(InetAddress.getByName(vip), 5353);
      for (DatagramSocket c : clients) {
        c.send(new DatagramPacket(new byte[] {'x'}, 1, service));
      }
      int answered = 0;
      for (DatagramSocket c : clients) {
        byte[] buf = new byte[64];
        try {
          c.receive(new DatagramPacket(buf, buf.length));
          answered++;
        } catch (java.net.SocketTimeoutException e) {
          // counted below
        }
      }
      assertEquals(300, answered, "300 new flows at once (the default buffer held about 256)");
    } finally {
      clients.forEach(DatagramSocket::close);
    }
  }

  @Test
  void dnsStyleRequestResponseKeepsIdsAndFlows() throws Exception {
    apply(dns(vip), on(a, b));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      try (DatagramSocket client = client()) {
        String sticky = null;
        for (int q = 0; q < 3; q++) {
          byte[] query = new byte[29];
          query[0] = 'D';
          query[1] = 'N';
          query[2] = 0x01; // RD
          query[5] = 1;     // QDCOUNT 1
          byte[] name = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1};
          System.arraycopy(name, 0, query, 12, name.length);
          query[0] = 'D';
          DatagramPacket reply = ask(client, query);
          byte[] r = Arrays.copyOf(reply.getData(), reply.getLength());
          assertEquals(query.length + 1, r.length);
          assertTrue((r[2] & 0x80) != 0, "QR set");
          assertArrayEquals(Arrays.copyOfRange(query, 12, 29), Arrays.copyOfRange(r, 12, 29));
          String from = new String(r, 29, 1, StandardCharsets.UTF_8);
          if (sticky != null) {
            assertEquals(sticky, from, "one flow, one endpoint");
          }
          sticky = from;
        }
        seen.add(sticky);
      }
    }
    assertEquals(Set.of("a", "b"), seen);
  }

  @Test
  void aFlowMovesWhenItsEndpointLeaves() throws Exception {
    apply(dns(vip), on(a));
    try (DatagramSocket client = client()) {
      assertEquals("a:1", text(client, "1"));
      apply(dns(vip), on(b));
      assertEquals("b:2", text(client, "2"));
      assertEquals("b:3", text(client, "3"));
    }
  }

  @Test
  void idleFlowsExpireAndNoEndpointGetsNoAnswer() throws Exception {
    apply(dns(vip), on(a));
    try (DatagramSocket client = client()) {
      assertEquals("a:1", text(client, "1"));
      Thread.sleep(1500); // past the 800 ms idle timeout: the flow is gone; the next datagram opens a new one
      assertEquals("a:2", text(client, "2"));
      assertTrue(proxy.metrics().render().contains("gantry_proxy_udp_flows_total{namespace=\"default\",service=\"dns\"} 2"));
      apply(dns(vip), endpoints("dns"));
      client.setSoTimeout(300);
      assertThrows(SocketTimeoutException.class, () -> text(client, "3"));
      client.setSoTimeout(3000);
      apply(dns(vip), on(b));
      assertEquals("b:4", text(client, "4"));
    }
  }

  /** A socket connected to the service: the kernel reports an ICMP port unreachable to it. */
  private static DatagramSocket connected(String address) throws Exception {
    DatagramSocket s = client();
    s.connect(new InetSocketAddress(InetAddress.getByName(address), 5353));
    return s;
  }

  private static String exchange(DatagramSocket client, String payload) throws Exception {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    client.send(new DatagramPacket(bytes, bytes.length));
    DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
    client.receive(reply);
    return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
  }

  @Test
  void noEndpointAnywhereIsRefusedWithPortUnreachableAsKubeProxyRejects() throws Exception {
    apply(dns(vip), endpoints("dns"));
    try (DatagramSocket client = connected(vip)) {
      assertThrows(PortUnreachableException.class, () -> exchange(client, "1"));
    }
    apply(dns(vip), on(a)); // an endpoint arrives: the port is served
    try (DatagramSocket client = connected(vip)) {
      assertEquals("a:2", exchange(client, "2"));
      apply(dns(vip), endpoints("dns")); // and leaves: refused again
      assertThrows(PortUnreachableException.class, () -> {
        exchange(client, "3");
        exchange(client, "4"); // the first may have raced the socket's close
      });
    }
    assertEquals(List.of(), proxy.listening().get(10, TimeUnit.SECONDS), "the UDP port stays unbound");
  }

  @Test
  void localPolicyWithEndpointsElsewhereDropsWithoutAnAnswer() throws Exception {
    ServiceView local = service("dns", vip, port("dns", "UDP", 5353, 0)).setInternalTrafficPolicy("Local").build();
    apply(local, endpoints("dns", ready("127.0.0.1", "n2", "dns", "UDP", a.port())));
    try (DatagramSocket client = connected(vip)) {
      client.setSoTimeout(500);
      assertThrows(SocketTimeoutException.class, () -> exchange(client, "1"), "dropped, as kube-proxy's DROP");
      assertThrows(SocketTimeoutException.class, () -> exchange(client, "2"));
    }
  }
}
