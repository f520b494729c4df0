package io.gantry.proxy.tcp;

import static io.gantry.proxy.table.ViewFactory.endpoint;
import static io.gantry.proxy.table.ViewFactory.endpoints;
import static io.gantry.proxy.table.ViewFactory.epPort;
import static io.gantry.proxy.table.ViewFactory.namedPort;
import static io.gantry.proxy.table.ViewFactory.node;
import static io.gantry.proxy.table.ViewFactory.nodePort;
import static io.gantry.proxy.table.ViewFactory.port;
import static io.gantry.proxy.table.ViewFactory.ready;
import static io.gantry.proxy.table.ViewFactory.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyServer;
import io.gantry.proxy.testing.Backend;
import io.gantry.proxy.testing.Client;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TCP data path over real sockets on 127.0.0.0/8. */
class TcpProxyTest {

  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private ProxyServer proxy;
  /** A /24 of 127.96.0.0/16 per test run, so parallel runs do not collide. */
  private final int net = ThreadLocalRandom.current().nextInt(1, 250);

  private String vip(int host) {
    return "127.96." + net + "." + host;
  }

  @BeforeEach
  void start() {
    proxy = ProxyServer.start(ProxyConfig.defaults("n1")
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30))
        .withLimits(1000, 1000, 2));
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    for (AutoCloseable c : closeLater) {
      c.close();
    }
  }

  private Backend backend(String name) throws IOException {
    Backend b = new Backend(name);
    closeLater.add(b);
    return b;
  }

  private void apply(List<ServiceView> services, List<EndpointView> eps, List<NodeView> nodes) throws Exception {
    proxy.update(services, eps.stream().collect(Collectors.toMap(e -> "default/" + e.getServiceName(), e -> e)), nodes)
        .get(10, TimeUnit.SECONDS);
  }

  private static EndpointView eps(String service, Backend... backends) {
    return endpoints(service, java.util.Arrays.stream(backends)
        .map(b -> ready("127.0.0.1", "n1", "", "TCP", b.port()))
        .toArray(io.gantry.control.api.v1.Endpoint[]::new));
  }

  /** Endpoints of one address cannot tell backends apart by IP, so each backend is its own "pod" port. */
  private static ServiceView svc(String name, String vip, int port) {
    return service(name, vip, port("", "TCP", port, 0)).build();
  }

  private Set<String> servedBy(String vip, int port, int connections) throws IOException {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < connections; i++) {
      names.add(Client.whoServes(vip, port));
    }
    return names;
  }

  @Test
  void clusterIpBalancesOverEndpointsAndEchoes() throws Exception {
    Backend a = backend("a");
    Backend b = backend("b");
    apply(List.of(svc("web", vip(1), 8080)), List.of(eps("web", a, b)), List.of());
    try (Client c = new Client(vip(1), 8080)) {
      assertTrue(Set.of("a", "b").contains(c.hello()));
      assertEquals("hello", c.echo("hello"));
      String big = "x".repeat(200_000);
      assertEquals(big, c.echo(big));
    }
    assertEquals(Set.of("a", "b"), servedBy(vip(1), 8080, 40));
    assertTrue(proxy.metrics().render().contains("gantry_proxy_connections_total{namespace=\"default\",service=\"web\"} 41"));
  }

  @Test
  void anAddressInUseDoesNotKeepTheOtherListenersClosedAndIsRetriedWithTheNextChange() throws Exception {
    Backend a = backend("a");
    Backend b = backend("b");
    java.net.ServerSocket squatter = new java.net.ServerSocket();
    squatter.bind(new java.net.InetSocketAddress(vip(20), 8080));
    closeLater.add(squatter);
    List<ServiceView> services = List.of(svc("taken", vip(20), 8080), svc("free", vip(21), 8080));
    apply(services, List.of(eps("taken", a), eps("free", a)), List.of());
    assertEquals("a", Client.whoServes(vip(21), 8080));

    squatter.close();
    apply(services, List.of(eps("taken", b), eps("free", a)), List.of()); // an endpoint change only
    assertEquals("b", Client.whoServes(vip(20), 8080));
  }

  @Test
  void nodePortOnTheNodeAddresses() throws Exception {
    Backend a = backend("a");
    String nodeIp = "127.0." + net + ".11";
    ServiceView svc = service("np", vip(2), nodePort("", 8080, 30000 + net)).setType("NodePort").build();
    apply(List.of(svc), List.of(endpoints("np", ready("127.0.0.1", "n2", "", "TCP", a.port()))),
        List.of(node("n1", nodeIp)));
    assertEquals("a", Client.whoServes(nodeIp, 30000 + net));
    assertEquals("a", Client.whoServes(vip(2), 8080));
  }

  @Test
  void multiPortAndNamedPorts() throws Exception {
    Backend http = backend("http");
    Backend admin = backend("admin");
    ServiceView svc = service("multi", vip(3), namedPort("http", 80 + 8000, "web"), namedPort("admin", 9090, "adm"))
        .build();
    EndpointView ep = endpoints("multi", endpoint("127.0.0.1", "n1", true, true, false)
        .putPorts("http", epPort("TCP", http.port())).putPorts("admin", epPort("TCP", admin.port())).build());
    apply(List.of(svc), List.of(ep), List.of());
    assertEquals("http", Client.whoServes(vip(3), 8080));
    assertEquals("admin", Client.whoServes(vip(3), 9090));
  }

  @Test
  void clientIpAffinityKeepsAClientOnOneEndpoint() throws Exception {
    Backend a = backend("a");
    Backend b = backend("b");
    Backend c = backend("c");
    ServiceView svc = service("sticky", vip(4), port("", "TCP", 8080, 0)).setSessionAffinity("ClientIP")
        .setSessionAffinityTimeoutSeconds(60).build();
    apply(List.of(svc), List.of(eps("sticky", a, b, c)), List.of());
    for (String client : List.of("127.0.0.21", "127.0.0.22", "127.0.0.23")) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        seen.add(Client.whoServes(vip(4), 8080, client));
      }
      assertEquals(1, seen.size(), client + " saw " + seen);
    }
  }

  @Test
  void noEndpointIsRefusedAtConnectAndLocalPolicyDrops() throws Exception {
    ServiceView empty = svc("empty", vip(5), 8080);
    ServiceView local = service("local", vip(6), port("", "TCP", 8080, 0)).setInternalTrafficPolicy("Local").build();
    Backend remote = backend("remote");
    apply(List.of(empty, local), List.of(endpoints("local", ready("127.0.0.1", "n2", "", "TCP", remote.port()))),
        List.of());
    long start = System.nanoTime();
    // kube-proxy's REJECT: the connect itself fails (agnhost connect reports REFUSED), at once.
    assertThrows(ConnectException.class, () -> new Socket(InetAddress.getByName(vip(5)), 8080).close());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
    try (Socket s = new Socket(InetAddress.getByName(vip(6)), 8080)) {
      s.setSoTimeout(3000);
      assertEquals(-1, s.getInputStream().read(), "closed without data");
    }
    assertEquals(0, remote.accepted.get());
    assertTrue(proxy.metrics().render().contains(
        "gantry_proxy_no_endpoint_rejects_total{namespace=\"default\",service=\"local\"} 1"));
  }

  @Test
  void localPolicyWithoutAnyEndpointIsRefusedAsKubeProxyRejects() throws Exception {
    // kube-proxy drops only when other nodes have endpoints; with none anywhere it rejects.
    ServiceView local = service("lonely", vip(7), port("", "TCP", 8080, 0)).setInternalTrafficPolicy("Local").build();
    apply(List.of(local), List.of(endpoints("lonely",
        endpoint("127.0.0.1", "n2", false, false, false).putPorts("", epPort("TCP", 9)).build())), List.of());
    assertThrows(ConnectException.class, () -> new Socket(InetAddress.getByName(vip(7)), 8080).close(),
        "refused, not accepted and closed");
  }

  @Test
  void aServicePortListensOnlyWhileItHasAnEndpoint() throws Exception {
    Backend a = backend("a");
    ServiceView svc = svc("flap", vip(8), 8080);
    apply(List.of(svc), List.of(endpoints("flap")), List.of());
    assertThrows(ConnectException.class, () -> new Socket(InetAddress.getByName(vip(8)), 8080).close());
    apply(List.of(svc), List.of(eps("flap", a)), List.of());
    try (Client c = new Client(vip(8), 8080)) {
      assertEquals("a", c.hello());
      apply(List.of(svc), List.of(endpoints("flap")), List.of()); // the endpoint leaves
      assertThrows(ConnectException.class, () -> new Socket(InetAddress.getByName(vip(8)), 8080).close());
      assertEquals("open", c.echo("open"), "a connection accepted before drains as from a removed endpoint");
    }
    apply(List.of(svc), List.of(eps("flap", a)), List.of()); // and comes back
    assertEquals("a", Client.whoServes(vip(8), 8080));
  }

  @Test
  void loadBalancerSourceRangesDropOtherClients() throws Exception {
    Backend a = backend("a");
    String lbIp = "127.240." + net + ".9";
    ServiceView lb = service("ranged", vip(14), nodePort("", 8080, 0)).setType("LoadBalancer").addLoadBalancerIps(lbIp)
        .addLoadBalancerSourceRanges("127.0.0.21/32").build();
    apply(List.of(lb), List.of(eps("ranged", a)), List.of());
    assertEquals("a", Client.whoServes(lbIp, 8080, "127.0.0.21"));
    try (Socket s = new Socket(InetAddress.getByName(lbIp), 8080, InetAddress.getByName("127.0.0.22"), 0)) {
      s.setSoTimeout(3000);
      assertEquals(-1, s.getInputStream().read(), "outside the ranges: closed without data");
    }
    assertEquals("a", Client.whoServes(vip(14), 8080, "127.0.0.22"), "the ClusterIP is not guarded");
  }

  @Test
  void aFailedConnectTriesAnotherEndpoint() throws Exception {
    int dead;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      dead = s.getLocalPort();
    }
    Backend live = new Backend("live", "127.0.0.3");
    closeLater.add(live);
    apply(List.of(svc("retry", vip(7), 8080)), List.of(endpoints("retry",
        ready("127.0.0.1", "n1", "", "TCP", dead), ready("127.0.0.3", "n1", "", "TCP", live.port()))), List.of());
    for (int i = 0; i < 20; i++) {
      assertEquals("live", Client.whoServes(vip(7), 8080)); // half the picks hit the dead one first
    }
    assertTrue(proxy.metrics().render().contains(
        "gantry_proxy_connect_errors_total{namespace=\"default\",service=\"retry\"}"));
  }

  @Test
  void halfCloseReachesTheEndpointAndItsAnswerComesBack() throws Exception {
    Backend a = backend("a");
    apply(List.of(svc("half", vip(8), 8080)), List.of(eps("half", a)), List.of());
    try (Socket s = new Socket(InetAddress.getByName(vip(8)), 8080)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write("last words\n".getBytes(StandardCharsets.UTF_8));
      s.shutdownOutput();
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals("a\nlast words\nbye\n", all);
    }
  }

  @Test
  void endpointRemovalDrainsOpenConnectionsWhileNewOnesGoElsewhere() throws Exception {
    Backend a = backend("a");
    Backend b = backend("b");
    apply(List.of(svc("drain", vip(9), 8080)), List.of(eps("drain", a)), List.of());
    try (Client old = new Client(vip(9), 8080)) {
      assertEquals("a", old.hello());
      apply(List.of(svc("drain", vip(9), 8080)), List.of(eps("drain", b)), List.of());
      assertEquals(Set.of("b"), servedBy(vip(9), 8080, 10));
      Thread.sleep(1500); // past a drain sweep: the old connection is draining, not cut
      assertEquals("still here", old.echo("still here"));
      // A changed service keeps its listener, and so the old connection.
      apply(List.of(service("drain", vip(9), port("", "TCP", 8080, 0)).putAnnotations("gantry.io/balancing", "rr")
          .build()), List.of(eps("drain", b)), List.of());
      assertEquals("still", old.echo("still"));
      // The service goes: its listener stops accepting; the old connection still drains.
      apply(List.of(), List.of(), List.of());
      assertThrows(ConnectException.class, () -> new Socket(InetAddress.getByName(vip(9)), 8080).close());
      assertEquals("draining", old.echo("draining"));
    }
  }

  @Test
  void idleConnectionsCloseAfterTheIdleTimeoutWhileBusyOnesStay() throws Exception {
    proxy.close();
    proxy = ProxyServer.start(ProxyConfig.defaults("n1").withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(800),
        Duration.ofSeconds(30), Duration.ofSeconds(30)).withLimits(100, 100, 1));
    Backend a = backend("a");
    apply(List.of(svc("idle", vip(14), 8080)), List.of(eps("idle", a)), List.of());
    try (Client idle = new Client(vip(14), 8080); Client busy = new Client(vip(14), 8080)) {
      assertEquals("a", idle.hello());
      assertEquals("a", busy.hello());
      for (int i = 0; i < 16; i++) { // 1.6 s: twice the idle timeout, with a message every 100 ms
        assertEquals("ping" + i, busy.echo("ping" + i));
        Thread.sleep(100);
      }
      String line = "";
      try {
        line = idle.readLine();
      } catch (SocketException e) {
        line = null;
      }
      assertEquals(null, line, "the idle connection is closed");
      assertEquals("still busy", busy.echo("still busy"));
    }
  }

  @Test
  void aConnectThatHangsTimesOutAndResetsTheClient() throws Exception {
    proxy.close();
    proxy = ProxyServer.start(ProxyConfig.defaults("n1").withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(30),
        Duration.ofSeconds(30), Duration.ofSeconds(30)).withLimits(100, 100, 1));
    int port = unansweringPort();
    apply(List.of(svc("hangs", vip(15), 8080)),
        List.of(endpoints("hangs", ready("127.0.0.1", "n1", "", "TCP", port))), List.of());
    try (Client c = new Client(vip(15), 8080)) {
      long start = System.nanoTime();
      String line = "";
      try {
        line = c.readLine();
      } catch (SocketException e) {
        line = null;
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(null, line, "the client is reset once the connect timed out (every attempt)");
      assertTrue(millis >= 250 && millis < 4000, "closed after " + millis + " ms (connect timeout 300 ms)");
    }
  }

  /**
   * A port whose connects hang: a listener that never accepts, its accept queue full, so the
   * kernel drops further SYNs.
   */
  private int unansweringPort() throws IOException {
    java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    closeLater.add(listener);
    for (int i = 0; i < 8; i++) {
      Socket filler = new Socket();
      closeLater.add(filler);
      try {
        filler.connect(new java.net.InetSocketAddress("127.0.0.1", listener.getLocalPort()), 300);
      } catch (java.net.SocketTimeoutException full) {
        return listener.getLocalPort();
      }
    }
    throw new IllegalStateException("could not fill the accept queue of port " + listener.getLocalPort());
  }

  @Test
  void drainingConnectionsCloseAtTheDeadline() throws Exception {
    proxy.close();
    proxy = ProxyServer.start(ProxyConfig.defaults("n1").withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
        Duration.ofSeconds(30), Duration.ofMillis(500)).withLimits(100, 100, 1));
    Backend a = backend("a");
    apply(List.of(svc("dl", vip(10), 8080)), List.of(eps("dl", a)), List.of());
    try (Client old = new Client(vip(10), 8080)) {
      assertEquals("a", old.hello());
      apply(List.of(svc("dl", vip(10), 8080)), List.of(endpoints("dl")), List.of());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      String line = "";
      while (line != null && System.nanoTime() < deadline) {
        try {
          line = old.readLine();
        } catch (SocketException e) {
          line = null;
        }
      }
      assertEquals(null, line, "closed after the drain deadline");
    }
  }

  @Test
  void anEndpointThatStopsTakingNewConnectionsKeepsItsEstablishedOnesPastTheDeadline() throws Exception {
    proxy.close();
    proxy = ProxyServer.start(ProxyConfig.defaults("n1").withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
        Duration.ofSeconds(30), Duration.ofMillis(500)).withLimits(100, 100, 1));
    Backend a = new Backend("a", "127.0.0.2");
    closeLater.add(a);
    Backend b = backend("b");
    apply(List.of(svc("gone", vip(12), 8080)), List.of(endpoints("gone", ready("127.0.0.2", "n1", "", "TCP", a.port()))),
        List.of());
    try (Client old = new Client(vip(12), 8080)) {
      assertEquals("a", old.hello());
      // a terminates gracefully (serving, not ready) while b takes the new connections
      apply(List.of(svc("gone", vip(12), 8080)), List.of(endpoints("gone",
          endpoint("127.0.0.2", "n1", false, true, true).putPorts("", epPort("TCP", a.port())).build(),
          ready("127.0.0.1", "n1", "", "TCP", b.port()))), List.of());
      assertEquals("b", Client.whoServes(vip(12), 8080));
      Thread.sleep(2000); // four drain deadlines
      assertEquals("still", old.echo("still"), "kube-proxy keeps established flows of a terminating endpoint");
      // not ready and not serving: still an endpoint, still kept
      apply(List.of(svc("gone", vip(12), 8080)), List.of(endpoints("gone",
          endpoint("127.0.0.2", "n1", false, false, false).putPorts("", epPort("TCP", a.port())).build(),
          ready("127.0.0.1", "n1", "", "TCP", b.port()))), List.of());
      Thread.sleep(1500);
      assertEquals("kept", old.echo("kept"));
    }
  }

  @Test
  void theConnectionLimitRefusesTheExcessAndOthersStillWork() throws Exception {
    proxy.close();
    proxy = ProxyServer.start(ProxyConfig.defaults("n1").withLimits(3, 100, 1));
    Backend a = backend("a");
    apply(List.of(svc("lim", vip(11), 8080)), List.of(eps("lim", a)), List.of());
    List<Client> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Client c = new Client(vip(11), 8080);
        assertEquals("a", c.hello());
        held.add(c);
      }
      try (Socket s = new Socket(InetAddress.getByName(vip(11)), 8080)) {
        s.setSoTimeout(3000);
        InputStream in = s.getInputStream();
        assertThrows(SocketException.class, in::read);
      }
      assertEquals(1, proxy.metrics().rejectedOverLimitCount());
    } finally {
      for (Client c : held) {
        c.close();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (proxy.connections().open() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals("a", Client.whoServes(vip(11), 8080));
  }

  @Test
  void garbageAndAbandonedConnectionsDoNotHurtTheDaemon() throws Exception {
    Backend a = backend("a");
    // "none" accepts and closes at once: a Local policy whose endpoint is on another node.
    ServiceView none = service("none", vip(13), port("", "TCP", 8080, 0)).setInternalTrafficPolicy("Local").build();
    apply(List.of(svc("g", vip(12), 8080), none), List.of(eps("g", a),
        endpoints("none", ready("127.0.0.1", "n2", "", "TCP", a.port()))), List.of());
    List<Socket> abandoned = new ArrayList<>();
    byte[] junk = new byte[64 * 1024];
    ThreadLocalRandom.current().nextBytes(junk);
    for (int i = 0; i < 50; i++) {
      Socket s = new Socket(InetAddress.getByName(vip(i % 2 == 0 ? 12 : 13)), 8080);
      try {
        s.getOutputStream().write(junk, 0, 1 + i * 100);
      } catch (IOException ignored) {
        // the closing service
      }
      if (i % 3 == 0) {
        s.setSoLinger(true, 0);
        s.close(); // abortive close mid-stream
      } else {
        abandoned.add(s);
      }
    }
    assertEquals("a", Client.whoServes(vip(12), 8080));
    for (Socket s : abandoned) {
      s.close();
    }
    try (Client c = new Client(vip(12), 8080)) {
      assertEquals("a", c.hello());
      assertEquals("ok", c.echo("ok"));
    }
  }
}
