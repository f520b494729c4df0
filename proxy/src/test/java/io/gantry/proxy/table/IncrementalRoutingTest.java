package io.gantry.proxy.table;

import static io.gantry.proxy.table.ViewFactory.endpoint;
import static io.gantry.proxy.table.ViewFactory.endpoints;
import static io.gantry.proxy.table.ViewFactory.epPort;
import static io.gantry.proxy.table.ViewFactory.node;
import static io.gantry.proxy.table.ViewFactory.nodePort;
import static io.gantry.proxy.table.ViewFactory.port;
import static io.gantry.proxy.table.ViewFactory.ready;
import static io.gantry.proxy.table.ViewFactory.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.proxy.balance.Balancing;
import io.gantry.proxy.balance.EndpointLoad;
import io.gantry.proxy.balance.Target;
import io.gantry.proxy.metrics.ProxyMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The routing table changes with work proportional to the change and agrees with a full rebuild. */
class IncrementalRoutingTest {

  private final EndpointLoad.Registry loads = new EndpointLoad.Registry();
  private final RoutingSnapshotBuilder builder = builder(loads);

  private static RoutingSnapshotBuilder builder(EndpointLoad.Registry loads) {
    return new RoutingSnapshotBuilder("n1", List.of(), Balancing.RANDOM, loads, new ProxyMetrics(), () -> 0L);
  }

  private static InetSocketAddress at(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  private static String vip(int i) {
    return "127.96." + (i / 250) + "." + (i % 250 + 1);
  }

  private static EndpointView web(int i, int endpointCount, int generation) {
    Endpoint[] eps = new Endpoint[endpointCount];
    for (int e = 0; e < endpointCount; e++) {
      eps[e] = ready("127.244." + (i % 250) + "." + (e + 1), "n" + (e % 2 + 1), "", "TCP", 8000 + generation);
    }
    return endpoints("s" + i, eps);
  }

  @Test
  void oneEndpointChangeRecompilesOneServiceAndSharesTheRest() throws Exception {
    List<ServiceView> services = new ArrayList<>();
    Map<String, EndpointView> eps = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      services.add(service("s" + i, vip(i), port("", "TCP", 80, 8000)).build());
      eps.put("default/s" + i, web(i, 10, 0));
    }
    RoutingSnapshot before = builder.build(services, eps, List.of());
    assertEquals(1000, builder.servicesCompiled());
    assertEquals(1000, before.listeners().size());

    RoutingSnapshot after = builder.apply(new ViewDelta(Map.of(), Set.of(), Map.of("default/s7", web(7, 10, 1)),
        Set.of(), null));

    assertEquals(1001, builder.servicesCompiled());
    assertEquals(Set.of("8001"), ports(after.lookup(at(vip(7), 80), Protocol.TCP)));
    for (int i = 0; i < 1000; i++) {
      ServiceEntry was = before.lookup(at(vip(i), 80), Protocol.TCP);
      ServiceEntry is = after.lookup(at(vip(i), 80), Protocol.TCP);
      if (i == 7) {
        assertNotSame(was, is);
        assertSame(was.picker(), is.picker());
      } else {
        assertSame(was, is, "entry of untouched service s" + i);
      }
    }
    assertEquals(Set.of("8000"), ports(before.lookup(at(vip(7), 80), Protocol.TCP)), "old snapshot unchanged");

    builder.build(services, Map.of("default/s7", web(7, 10, 1)), List.of());
    assertEquals(1000 + 1 + 999, builder.servicesCompiled(), "a full configuration rebuilds only what differs");
    builder.build(services, Map.of("default/s7", web(7, 10, 1)), List.of());
    assertEquals(2000, builder.servicesCompiled(), "an unchanged configuration rebuilds nothing");
  }

  private static Set<String> ports(ServiceEntry entry) {
    Set<String> ports = new java.util.HashSet<>();
    entry.targets().forEach(t -> ports.add(String.valueOf(t.address().getPort())));
    return ports;
  }

  @Test
  void pickerAffinityAndLoadStateSurviveChangesOfOtherServices() throws Exception {
    ServiceView rr = service("rr", "127.96.0.1", port("", "TCP", 80, 80))
        .putAnnotations("gantry.io/balancing", "round-robin").build();
    ServiceView sticky = service("sticky", "127.96.0.2", port("", "TCP", 80, 80)).setSessionAffinity("ClientIP")
        .build();
    ServiceView other = service("other", "127.96.0.3", port("", "TCP", 80, 80)).build();
    EndpointView three = endpoints("rr", ready("127.0.1.1", "n1", "", "TCP", 80),
        ready("127.0.1.2", "n1", "", "TCP", 80), ready("127.0.1.3", "n1", "", "TCP", 80));
    RoutingSnapshot s1 = builder.build(List.of(rr, sticky, other), Map.of("default/rr", three,
        "default/sticky", EndpointView.newBuilder(three).setServiceName("sticky").build()), List.of());
    ServiceEntry rr1 = s1.lookup(at("127.96.0.1", 80), Protocol.TCP);
    Target first = rr1.pick(null);
    Target second = rr1.pick(null);
    InetAddress client = InetAddress.getByName("127.0.0.9");
    Target remembered = s1.lookup(at("127.96.0.2", 80), Protocol.TCP).pick(client);
    second.load().opened();

    RoutingSnapshot s2 = builder.apply(new ViewDelta(Map.of(), Set.of(),
        Map.of("default/other", endpoints("other", ready("127.0.2.1", "n1", "", "TCP", 80))), Set.of(), null));
    ServiceEntry rr2 = s2.lookup(at("127.96.0.1", 80), Protocol.TCP);
    assertSame(rr1, rr2);
    Target third = rr2.pick(null);
    assertEquals(Set.of(first, second, third), Set.copyOf(rr2.targets()), "round robin went on where it was");
    assertEquals(remembered, s2.lookup(at("127.96.0.2", 80), Protocol.TCP).pick(client));

    // The round-robin service itself changes: its picker, and the load of an endpoint that stays, carry over.
    EndpointView four = EndpointView.newBuilder(three).addEndpoints(ready("127.0.1.4", "n1", "", "TCP", 80)).build();
    RoutingSnapshot s3 = builder.apply(new ViewDelta(Map.of(), Set.of(), Map.of("default/rr", four), Set.of(), null));
    ServiceEntry rr3 = s3.lookup(at("127.96.0.1", 80), Protocol.TCP);
    assertSame(rr1.picker(), rr3.picker());
    Target secondAgain = rr3.targets().stream().filter(second::equals).findFirst().orElseThrow();
    assertSame(second.load(), secondAgain.load());
    assertEquals(1, secondAgain.load().active());
  }

  @Test
  void endpointLoadCountersAreForgottenWhenUnusedAndIdle() throws Exception {
    ServiceView svc = service("web", "127.96.0.1", port("", "TCP", 80, 80)).build();
    builder.build(List.of(svc), Map.of("default/web", endpoints("web", ready("127.0.1.1", "n1", "", "TCP", 80),
        ready("127.0.1.2", "n1", "", "TCP", 80))), List.of());
    assertEquals(2, loads.size());
    Target busy = builder.build(List.of(svc), Map.of(), List.of()).lookup(at("127.96.0.1", 80), Protocol.TCP)
        .targets().stream().findFirst().orElse(null);
    assertEquals(null, busy);
    assertEquals(0, loads.size());
    EndpointLoad load = builder.build(List.of(svc), Map.of("default/web", endpoints("web",
        ready("127.0.1.1", "n1", "", "TCP", 80))), List.of()).lookup(at("127.96.0.1", 80), Protocol.TCP)
        .targets().get(0).load();
    load.opened();
    builder.build(List.of(), Map.of(), List.of());
    assertEquals(1, loads.size(), "a counter with open connections stays");
    load.closed();
    builder.build(List.of(), Map.of(), List.of());
    assertEquals(0, loads.size(), "and goes once they closed");
  }

  /** Random services, endpoints and node changes; after each, the table equals one built from scratch. */
  @Test
  void randomChangeSequencesEqualAFullRebuild() {
    for (long seed = 1; seed <= 40; seed++) {
      Random random = new Random(seed);
      EndpointLoad.Registry incrementalLoads = new EndpointLoad.Registry();
      RoutingSnapshotBuilder incremental = builder(incrementalLoads);
      Map<String, ServiceView> services = new TreeMap<>();
      Map<String, EndpointView> eps = new TreeMap<>();
      List<NodeView> nodes = List.of(node("n1", "127.0.0.11"));
      RoutingSnapshot previous = RoutingSnapshot.EMPTY;
      for (int step = 0; step < 80; step++) {
        Map<String, ServiceView> upserts = new HashMap<>();
        Set<String> removed = new java.util.HashSet<>();
        Map<String, EndpointView> epUpserts = new HashMap<>();
        Set<String> epRemoved = new java.util.HashSet<>();
        List<NodeView> nodeChange = step == 0 ? nodes : null;
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
          String name = "s" + random.nextInt(12);
          String key = "default/" + name;
          int kind = random.nextInt(10);
          if (kind < 4) {
            upserts.put(key, randomService(random, name));
            removed.remove(key);
          } else if (kind < 5) {
            removed.add(key);
            upserts.remove(key);
          } else if (kind < 9) {
            epUpserts.put(key, randomEndpoints(random, name));
            epRemoved.remove(key);
          } else if (random.nextBoolean()) {
            epRemoved.add(key);
            epUpserts.remove(key);
          } else {
            nodeChange = random.nextBoolean() ? List.of(node("n1", "127.0.0.11"))
                : List.of(node("n1", "127.0.0.11", "127.0.0.12"));
          }
        }
        removed.removeIf(k -> !services.containsKey(k));
        epRemoved.removeIf(k -> !eps.containsKey(k));
        services.putAll(upserts);
        removed.forEach(services::remove);
        eps.putAll(epUpserts);
        epRemoved.forEach(eps::remove);
        nodes = nodeChange == null ? nodes : nodeChange;
        RoutingSnapshot got = incremental.apply(new ViewDelta(upserts, removed, epUpserts, epRemoved, nodeChange));

        EndpointLoad.Registry freshLoads = new EndpointLoad.Registry();
        RoutingSnapshot want = builder(freshLoads).build(services.values(), eps, nodes);
        String where = "seed " + seed + " step " + step;
        assertEquals(describe(want), describe(got), where);
        assertEquals(want.healthChecks(), got.healthChecks(), where);
        assertEquals(want.warnings(), got.warnings(), where);
        assertEquals(want.nodeAddresses(), got.nodeAddresses(), where);
        assertEquals(freshLoads.size(), incrementalLoads.size(), where + ": endpoint load counters");
        boolean listenersChanged = !got.listeners().equals(previous.listeners())
            || !got.entries().keySet().equals(previous.entries().keySet())
            || !got.healthChecks().keySet().equals(previous.healthChecks().keySet())
            || !got.nodeAddresses().equals(previous.nodeAddresses());
        assertEquals(listenersChanged, incremental.listenersChanged(), where + ": listenersChanged");
        previous = got;
      }
    }
  }

  private static ServiceView randomService(Random random, String name) {
    String[] types = {"ClusterIP", "NodePort", "LoadBalancer"};
    ServiceView.Builder b = service(name, "127.96.0." + (1 + random.nextInt(8)),
        nodePort("", 80, 30000 + random.nextInt(6)))
        .setType(types[random.nextInt(3)])
        .setInternalTrafficPolicy(random.nextBoolean() ? "Local" : "Cluster")
        .setExternalTrafficPolicy(random.nextBoolean() ? "Local" : "Cluster");
    if (random.nextInt(3) == 0) {
      b.addPorts(port("dns", "UDP", 53, 5353));
    }
    if (random.nextInt(3) == 0) {
      b.addExternalIps("127.50.0." + (1 + random.nextInt(3)));
    }
    if (random.nextInt(3) == 0) {
      b.addLoadBalancerIps("127.240.0." + (1 + random.nextInt(3)));
    }
    if (random.nextInt(4) == 0) {
      b.setHealthCheckNodePort(31000 + random.nextInt(3));
    }
    if (random.nextInt(4) == 0) {
      b.setSessionAffinity("ClientIP").setSessionAffinityTimeoutSeconds(random.nextInt(3) * 10);
    }
    if (random.nextInt(4) == 0) {
      b.putAnnotations("gantry.io/balancing", random.nextBoolean() ? "round-robin" : "bogus");
    }
    if (random.nextInt(10) == 0) {
      b.setHeadless(true);
    }
    if (random.nextInt(12) == 0) {
      b.addClusterIps("not-an-ip");
    }
    return b.build();
  }

  private static EndpointView randomEndpoints(Random random, String name) {
    EndpointView.Builder b = EndpointView.newBuilder().setNamespace("default").setServiceName(name);
    int count = random.nextInt(5);
    for (int i = 0; i < count; i++) {
      boolean ready = random.nextInt(3) > 0;
      b.addEndpoints(endpoint("127.0.1." + (1 + random.nextInt(6)), "n" + (1 + random.nextInt(2)), ready,
          ready || random.nextBoolean(), !ready && random.nextBoolean())
          .putPorts("", epPort("TCP", 8080 + random.nextInt(2))).putPorts("dns", epPort("UDP", 5353)).build());
    }
    return b.build();
  }

  /** Everything a connection could observe of a table, as text. */
  private static Map<String, String> describe(RoutingSnapshot snapshot) {
    Map<String, String> out = new TreeMap<>();
    snapshot.entries().forEach((key, entry) -> out.put(key.toString(), describe(entry)));
    return out;
  }

  private static String describe(ServiceEntry e) {
    return e.key() + " " + e.targets() + " nodes=" + e.targets().stream().map(Target::nodeName).toList()
        + " local=" + e.localPolicy() + " anywhere=" + e.hasEndpoints() + " " + e.balancing()
        + " affinity=" + (e.affinity() == null ? "none" : e.affinity().timeoutSeconds())
        + (e.inClusterEntry() == null ? "" : " inCluster=(" + describe(e.inClusterEntry()) + ")");
  }

  @Test
  void aNodeAddressChangeRecompilesEveryService() {
    ServiceView np = service("np", "127.96.0.1", nodePort("", 80, 30080)).setType("NodePort").build();
    ServiceView ip = service("ip", "127.96.0.2", port("", "TCP", 80, 80)).build();
    builder.build(List.of(np, ip), Map.of(), List.of(node("n1", "127.0.0.11")));
    long before = builder.servicesCompiled();
    RoutingSnapshot s = builder.apply(new ViewDelta(Map.of(), Set.of(), Map.of(), Set.of(),
        List.of(node("n1", "127.0.0.11", "127.0.0.12"))));
    assertEquals(before + 2, builder.servicesCompiled());
    assertTrue(s.entries().keySet().stream().anyMatch(k -> k.address().getPort() == 30080
        && k.address().getAddress().getHostAddress().equals("127.0.0.12")));
    builder.apply(new ViewDelta(Map.of(), Set.of(), Map.of(), Set.of(), List.of(node("n1", "127.0.0.11",
        "127.0.0.12"), node("n2", "127.0.0.13"))));
    assertEquals(before + 2, builder.servicesCompiled(), "another node's change rebuilds nothing");
  }
}
