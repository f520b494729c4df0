package io.gantry.proxy.table;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RoutingSnapshotBuilderTest {

  private final long[] now = {0};
  private final RoutingSnapshotBuilder builder = new RoutingSnapshotBuilder("n1", List.of(), Balancing.RANDOM,
      new EndpointLoad.Registry(), new ProxyMetrics(), () -> now[0]);

  private RoutingSnapshot build(List<ServiceView> services, List<EndpointView> eps, List<NodeView> nodes) {
    return builder.build(services, eps.stream().collect(Collectors.toMap(
        e -> e.getNamespace() + "/" + e.getServiceName(), e -> e)), nodes);
  }

  private static InetSocketAddress at(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  private static Set<String> targets(ServiceEntry entry) {
    return entry.targets().stream().map(Target::toString).collect(Collectors.toSet());
  }

  @Test
  void readyEndpointsOnlyWhenAnyIsReady() throws Exception {
    RoutingSnapshot s = build(List.of(service("web", "127.96.0.10", port("", "TCP", 80, 8080)).build()),
        List.of(endpoints("web",
            ready("127.0.1.1", "n1", "", "TCP", 8080),
            endpoint("127.0.1.2", "n1", false, true, true).putPorts("", epPort("TCP", 8080)).build(),
            endpoint("127.0.1.3", "n1", false, false, false).putPorts("", epPort("TCP", 8080)).build())),
        List.of());
    assertEquals(Set.of("127.0.1.1:8080"), targets(s.lookup(at("127.96.0.10", 80), Protocol.TCP)));
  }

  @Test
  void fallsBackToServingTerminatingWhenNoneIsReady() throws Exception {
    RoutingSnapshot s = build(List.of(service("web", "127.96.0.10", port("", "TCP", 80, 8080)).build()),
        List.of(endpoints("web",
            endpoint("127.0.1.2", "n1", false, true, true).putPorts("", epPort("TCP", 8080)).build(),
            endpoint("127.0.1.3", "n1", false, false, true).putPorts("", epPort("TCP", 8080)).build(),
            endpoint("127.0.1.4", "n1", false, true, false).putPorts("", epPort("TCP", 8080)).build())),
        List.of());
    assertEquals(Set.of("127.0.1.2:8080"), targets(s.lookup(at("127.96.0.10", 80), Protocol.TCP)));
  }

  @Test
  void noEndpointsGivesAnEmptyClusterEntry() throws Exception {
    RoutingSnapshot s = build(List.of(service("web", "127.96.0.10", port("", "TCP", 80, 8080)).build()),
        List.of(), List.of());
    ServiceEntry e = s.lookup(at("127.96.0.10", 80), Protocol.TCP);
    assertNotNull(e);
    assertFalse(e.hasTargets());
    assertFalse(e.localPolicy());
    assertNull(e.pick(InetAddress.getLoopbackAddress()));
  }

  private static Endpoint hinted(String address, String node, String... zones) {
    return endpoint(address, node, true, true, false).putPorts("", epPort("TCP", 80))
        .addAllHintZones(List.of(zones)).build();
  }

  private static NodeView zoned(String name, String zone) {
    return node(name, "127.0.0.11").toBuilder().putLabels("topology.kubernetes.io/zone", zone).build();
  }

  @Test
  void zoneHintsKeepClusterTrafficInTheNodesZone() throws Exception {
    ServiceView svc = service("web", "127.96.0.10", nodePort("", 80, 30080)).setType("NodePort").build();
    List<EndpointView> eps = List.of(endpoints("web", hinted("127.0.1.1", "n1", "z1"),
        hinted("127.0.1.2", "n2", "z1"), hinted("127.0.1.3", "n3", "z2")));
    RoutingSnapshot s = build(List.of(svc), eps, List.of(zoned("n1", "z1")));
    assertEquals(Set.of("127.0.1.1:80", "127.0.1.2:80"), targets(s.lookup(at("127.96.0.10", 80), Protocol.TCP)));
    assertEquals(Set.of("127.0.1.1:80", "127.0.1.2:80"), targets(s.lookup(at("127.0.0.11", 30080), Protocol.TCP)));

    s = build(List.of(svc), eps, List.of(zoned("n1", "z3")));
    assertEquals(3, targets(s.lookup(at("127.96.0.10", 80), Protocol.TCP)).size(),
        "no endpoint hinted for this node's zone (and a zone change recompiles): all of them");
    s = build(List.of(svc), eps, List.of(node("n1", "127.0.0.11")));
    assertEquals(3, targets(s.lookup(at("127.96.0.10", 80), Protocol.TCP)).size(), "a node without a zone: all");
    s = build(List.of(svc), List.of(endpoints("web", hinted("127.0.1.1", "n1", "z1"), hinted("127.0.1.3", "n3"))),
        List.of(zoned("n1", "z1")));
    assertEquals(2, targets(s.lookup(at("127.96.0.10", 80), Protocol.TCP)).size(),
        "one ready endpoint without hints: topology is off");
    s = build(List.of(svc.toBuilder().setInternalTrafficPolicy("Local").build()), eps, List.of(zoned("n1", "z1")));
    assertEquals(Set.of("127.0.1.1:80"), targets(s.lookup(at("127.96.0.10", 80), Protocol.TCP)),
        "the Local policy ignores hints");
  }

  @Test
  void internalTrafficPolicyLocalKeepsNodeLocalEndpointsForClusterIpsOnly() throws Exception {
    ServiceView svc = service("web", "127.96.0.10", nodePort("", 80, 30080)).setType("NodePort")
        .setInternalTrafficPolicy("Local").build();
    RoutingSnapshot s = build(List.of(svc), List.of(endpoints("web",
        ready("127.0.1.1", "n1", "", "TCP", 80), ready("127.0.1.2", "n2", "", "TCP", 80))),
        List.of(node("n1", "127.0.0.11")));
    ServiceEntry cluster = s.lookup(at("127.96.0.10", 80), Protocol.TCP);
    assertEquals(Set.of("127.0.1.1:80"), targets(cluster));
    assertTrue(cluster.localPolicy());
    ServiceEntry external = s.lookup(at("127.0.0.11", 30080), Protocol.TCP);
    assertEquals(Set.of("127.0.1.1:80", "127.0.1.2:80"), targets(external));
    assertFalse(external.localPolicy());
  }

  @Test
  void externalTrafficPolicyLocalWithoutLocalEndpointsDrops() throws Exception {
    ServiceView svc = service("web", "127.96.0.10", nodePort("", 80, 30080)).setType("LoadBalancer")
        .addLoadBalancerIps("127.240.0.5").setExternalTrafficPolicy("Local").setHealthCheckNodePort(31000).build();
    RoutingSnapshot s = build(List.of(svc), List.of(endpoints("web", ready("127.0.1.2", "n2", "", "TCP", 80))),
        List.of(node("n1", "127.0.0.11")));
    ServiceEntry lb = s.lookup(at("127.240.0.5", 80), Protocol.TCP);
    assertFalse(lb.hasTargets());
    assertTrue(lb.localPolicy());
    ServiceEntry nodePort = s.lookup(at("127.0.0.11", 30080), Protocol.TCP);
    assertFalse(nodePort.hasTargets(), "outside clients of the NodePort: dropped");
    assertEquals(Set.of("127.0.1.2:80"), targets(nodePort.inClusterEntry()), "pods and the node: every endpoint");
    assertEquals(Set.of("127.0.1.2:80"), targets(s.lookup(at("127.96.0.10", 80), Protocol.TCP)));
    assertEquals(Map.of(31000, new HealthCheck("default", "web", 0)), s.healthChecks());
  }

  @Test
  void localPolicyFallsBackToLocalTerminatingEndpoints() throws Exception {
    ServiceView svc = service("web", "127.96.0.10", port("", "TCP", 80, 80)).setInternalTrafficPolicy("Local")
        .build();
    RoutingSnapshot s = build(List.of(svc), List.of(endpoints("web",
        ready("127.0.1.2", "n2", "", "TCP", 80),
        endpoint("127.0.1.1", "n1", false, true, true).putPorts("", epPort("TCP", 80)).build())), List.of());
    assertEquals(Set.of("127.0.1.1:80"), targets(s.lookup(at("127.96.0.10", 80), Protocol.TCP)));
  }

  @Test
  void endpointsAreCategorizedPerServicePort() throws Exception {
    // As kube-proxy's CategorizeEndpoints, per service port: a ready endpoint of another port does
    // not hide this port's serving-and-terminating one.
    ServiceView svc = service("web", "127.96.0.10", port("a", "TCP", 80, 80), port("b", "TCP", 81, 81)).build();
    RoutingSnapshot s = build(List.of(svc), List.of(endpoints("web",
        ready("127.0.1.1", "n1", "a", "TCP", 80),
        endpoint("127.0.1.2", "n1", false, true, true).putPorts("b", epPort("TCP", 81)).build())), List.of());
    assertEquals(Set.of("127.0.1.1:80"), targets(s.lookup(at("127.96.0.10", 80), Protocol.TCP)));
    assertEquals(Set.of("127.0.1.2:81"), targets(s.lookup(at("127.96.0.10", 81), Protocol.TCP)));
  }

  @Test
  void localPolicyDropsOnlyWhenOtherNodesHaveEndpoints() throws Exception {
    ServiceView elsewhere = service("elsewhere", "127.96.0.10", port("", "TCP", 80, 80))
        .setInternalTrafficPolicy("Local").build();
    ServiceView nowhere = service("nowhere", "127.96.0.11", port("", "TCP", 80, 80))
        .setInternalTrafficPolicy("Local").build();
    RoutingSnapshot s = build(List.of(elsewhere, nowhere), List.of(
        endpoints("elsewhere", ready("127.0.1.2", "n2", "", "TCP", 80)),
        endpoints("nowhere", endpoint("127.0.1.3", "n2", false, false, false).putPorts("", epPort("TCP", 80))
            .build())), List.of());
    ServiceEntry drops = s.lookup(at("127.96.0.10", 80), Protocol.TCP);
    assertFalse(drops.hasTargets());
    assertTrue(drops.dropsWithoutTargets(), "endpoints on another node: DROP");
    ServiceEntry rejects = s.lookup(at("127.96.0.11", 80), Protocol.TCP);
    assertFalse(rejects.hasTargets());
    assertFalse(rejects.dropsWithoutTargets(), "no usable endpoint anywhere: REJECT");
  }

  @Test
  void healthCheckCountsReadyLocalEndpointsOnlyWhileTerminatingOnesStillServe() throws Exception {
    ServiceView svc = service("web", "127.96.0.10", nodePort("", 80, 30080)).setType("LoadBalancer")
        .setExternalTrafficPolicy("Local").setHealthCheckNodePort(31000).build();
    RoutingSnapshot s = build(List.of(svc), List.of(endpoints("web",
        endpoint("127.0.1.1", "n1", false, true, true).putPorts("", epPort("TCP", 80)).build(),
        ready("127.0.1.2", "n2", "", "TCP", 80))), List.of(node("n1", "127.0.0.11")));
    assertEquals(Set.of("127.0.1.1:80"), targets(s.lookup(at("127.0.0.11", 30080), Protocol.TCP)),
        "no local endpoint is ready: the local terminating one serves");
    assertEquals(new HealthCheck("default", "web", 0), s.healthChecks().get(31000),
        "and the health check fails, so load balancers drain the node");
  }

  @Test
  void healthCheckPortsServeLoadBalancersOnly() throws Exception {
    ServiceView nodePortType = service("np", "127.96.0.10", nodePort("", 80, 30080)).setType("NodePort")
        .setExternalTrafficPolicy("Local").setHealthCheckNodePort(31000).build(); // left over from type LoadBalancer
    RoutingSnapshot s = build(List.of(nodePortType), List.of(endpoints("np", ready("127.0.1.1", "n1", "", "TCP", 80))),
        List.of(node("n1", "127.0.0.11")));
    assertTrue(s.healthChecks().isEmpty());
    assertTrue(s.healthListeners().isEmpty());
  }

  @Test
  void loadBalancerSourceRangesGuardTheLoadBalancerIpsOnly() throws Exception {
    ServiceView svc = service("web", "127.96.0.10", nodePort("", 80, 30080)).setType("LoadBalancer")
        .addLoadBalancerIps("127.240.0.5").addExternalIps("127.50.0.1")
        .addLoadBalancerSourceRanges("127.0.7.0/24").addLoadBalancerSourceRanges("bogus").build();
    RoutingSnapshot s = build(List.of(svc), List.of(endpoints("web", ready("127.0.1.1", "n1", "", "TCP", 80))),
        List.of(node("n1", "127.0.0.11")));
    ServiceEntry lb = s.lookup(at("127.240.0.5", 80), Protocol.TCP);
    assertTrue(lb.admits(InetAddress.getByName("127.0.7.9")));
    assertFalse(lb.admits(InetAddress.getByName("127.0.8.9")));
    assertFalse(lb.admits(InetAddress.getByName("127.240.0.5")), "no range holds a node address");
    for (InetSocketAddress open : List.of(at("127.0.0.11", 30080), at("127.50.0.1", 80), at("127.96.0.10", 80))) {
      assertTrue(s.lookup(open, Protocol.TCP).admits(InetAddress.getByName("127.0.8.9")), open.toString());
    }
    assertEquals(1, s.warnings().size(), s.warnings().toString());

    ServiceView fromNode = svc.toBuilder().clearLoadBalancerSourceRanges().addLoadBalancerSourceRanges("127.0.0.0/24")
        .build();
    ServiceEntry allowsNode = build(List.of(fromNode), List.of(endpoints("web", ready("127.0.1.1", "n1", "", "TCP",
        80))), List.of(node("n1", "127.0.0.11"))).lookup(at("127.240.0.5", 80), Protocol.TCP);
    assertTrue(allowsNode.admits(InetAddress.getByName("127.240.0.5")),
        "a range holding the node's address admits the node's traffic to its own VIP");
  }

  @Test
  void namedAndMultiplePortsResolvePerEndpoint() throws Exception {
    ServiceView svc = service("web", "127.96.0.10", namedPort("http", 80, "web"), port("dns", "UDP", 53, 5353))
        .build();
    RoutingSnapshot s = build(List.of(svc), List.of(endpoints("web",
        endpoint("127.0.1.1", "n1", true, true, false).putPorts("http", epPort("TCP", 8080))
            .putPorts("dns", epPort("UDP", 5353)).build(),
        endpoint("127.0.1.2", "n1", true, true, false).putPorts("http", epPort("TCP", 9090)).build())),
        List.of());
    assertEquals(Set.of("127.0.1.1:8080", "127.0.1.2:9090"), targets(s.lookup(at("127.96.0.10", 80), Protocol.TCP)));
    assertEquals(Set.of("127.0.1.1:5353"), targets(s.lookup(at("127.96.0.10", 53), Protocol.UDP)));
    assertNull(s.lookup(at("127.96.0.10", 53), Protocol.TCP));
  }

  @Test
  void nodePortsOnEveryNodeAddressAndExternalIps() throws Exception {
    RoutingSnapshotBuilder withFlag = new RoutingSnapshotBuilder("n1", List.of(InetAddress.getByName("127.0.0.1")),
        Balancing.RANDOM, new EndpointLoad.Registry(), new ProxyMetrics(), System::nanoTime);
    ServiceView svc = service("web", "127.96.0.10", nodePort("", 80, 30080)).setType("NodePort")
        .addExternalIps("127.50.0.1").build();
    RoutingSnapshot s = withFlag.build(List.of(svc), Map.of("default/web", endpoints("web",
        ready("127.0.1.1", "n2", "", "TCP", 80))), List.of(node("n1", "127.0.0.11"), node("n2", "127.0.0.12")));
    assertNotNull(s.lookup(at("127.0.0.1", 30080), Protocol.TCP));
    assertNotNull(s.lookup(at("127.0.0.11", 30080), Protocol.TCP));
    assertNull(s.lookup(at("127.0.0.12", 30080), Protocol.TCP));
    assertNotNull(s.lookup(at("127.50.0.1", 80), Protocol.TCP));
    assertEquals(4, s.listeners().size());
  }

  @Test
  void changedNodeAddressesMoveNodePortsAndHealthChecksAndKeepTheNodeViewsOnes() throws Exception {
    ServiceView svc = service("web", "127.96.0.10", nodePort("", 80, 30080)).setType("LoadBalancer")
        .setExternalTrafficPolicy("Local").setHealthCheckNodePort(31000).build();
    builder.extraNodeAddresses(List.of(InetAddress.getByName("127.0.0.21")));
    RoutingSnapshot first = build(List.of(svc), List.of(endpoints("web", ready("127.0.1.1", "n1", "", "TCP", 80))),
        List.of(node("n1", "127.0.0.11")));
    assertNotNull(first.lookup(at("127.0.0.21", 30080), Protocol.TCP), "set before the first build: used by it");

    builder.extraNodeAddresses(List.of(InetAddress.getByName("127.0.0.22")));
    RoutingSnapshot next = builder.apply(ViewDelta.NONE); // no views changed, node addresses did
    assertTrue(next.version() > first.version());
    assertNull(next.lookup(at("127.0.0.21", 30080), Protocol.TCP));
    assertNotNull(next.lookup(at("127.0.0.22", 30080), Protocol.TCP));
    assertNotNull(next.lookup(at("127.0.0.11", 30080), Protocol.TCP), "the Node's InternalIP stays");
    assertEquals(Set.of(at("127.0.0.22", 31000), at("127.0.0.11", 31000)),
        next.healthListeners().stream().map(ListenKey::address).collect(Collectors.toSet()));
    assertEquals(List.of(InetAddress.getByName("127.0.0.22"), InetAddress.getByName("127.0.0.11")),
        next.nodeAddresses());

    long compiled = builder.servicesCompiled();
    builder.extraNodeAddresses(List.of(InetAddress.getByName("127.0.0.22")));
    builder.apply(ViewDelta.NONE);
    assertEquals(compiled, builder.servicesCompiled(), "the same addresses again recompile nothing");
  }

  @Test
  void headlessAndExternalNameServicesAreNotServed() {
    RoutingSnapshot s = build(List.of(service("h", null, port("", "TCP", 80, 80)).setHeadless(true).build(),
        service("x", null).setType("ExternalName").setExternalName("example.com").build()), List.of(), List.of());
    assertTrue(s.listeners().isEmpty());
  }

  @Test
  void servicesLeftToAnotherProxyAreNotServed() throws Exception {
    RoutingSnapshot s = build(List.of(
        service("other", "127.96.0.11", port("", "TCP", 80, 8080)).setProxyIgnored(true).build(),
        service("web", "127.96.0.10", port("", "TCP", 80, 8080)).build()),
        List.of(endpoints("other", ready("127.0.1.1", "n1", "", "TCP", 8080)),
            endpoints("web", ready("127.0.1.1", "n1", "", "TCP", 8080))), List.of());
    assertNull(s.lookup(at("127.96.0.11", 80), Protocol.TCP));
    assertNotNull(s.lookup(at("127.96.0.10", 80), Protocol.TCP));
  }

  @Test
  void conflictingAddressesKeepTheFirstServiceAndWarn() throws Exception {
    RoutingSnapshot s = build(List.of(
        service("b", "127.96.0.11", port("", "TCP", 80, 80)).addExternalIps("127.50.0.1").build(),
        service("a", "127.96.0.10", port("", "TCP", 80, 80)).addExternalIps("127.50.0.1").build()),
        List.of(), List.of());
    assertEquals("a", s.lookup(at("127.50.0.1", 80), Protocol.TCP).key().name());
    assertEquals(1, s.warnings().size());
  }

  @Test
  void affinityKeepsAClientOnItsEndpointUntilTimeoutAndAcrossSnapshots() throws Exception {
    ServiceView svc = service("web", "127.96.0.10", port("", "TCP", 80, 80)).setSessionAffinity("ClientIP")
        .setSessionAffinityTimeoutSeconds(10).build();
    List<EndpointView> eps = List.of(endpoints("web", ready("127.0.1.1", "n1", "", "TCP", 80),
        ready("127.0.1.2", "n1", "", "TCP", 80), ready("127.0.1.3", "n1", "", "TCP", 80)));
    RoutingSnapshot s1 = build(List.of(svc), eps, List.of());
    InetAddress client = InetAddress.getByName("127.0.0.7");
    ServiceEntry e1 = s1.lookup(at("127.96.0.10", 80), Protocol.TCP);
    Target first = e1.pick(client);
    for (int i = 0; i < 50; i++) {
      now[0] += 5_000_000_000L; // each use renews the timeout
      assertEquals(first, e1.pick(client));
    }
    RoutingSnapshot s2 = build(List.of(svc), eps, List.of());
    assertEquals(first, s2.lookup(at("127.96.0.10", 80), Protocol.TCP).pick(client));
    assertSame(e1.affinity(), s2.lookup(at("127.96.0.10", 80), Protocol.TCP).affinity());
    // The endpoint goes away: the client moves.
    List<EndpointView> without = List.of(EndpointView.newBuilder(eps.get(0)).clearEndpoints()
        .addAllEndpoints(eps.get(0).getEndpointsList().stream()
            .filter(e -> !e.getAddress().equals(first.address().getAddress().getHostAddress())).toList()).build());
    Target moved = build(List.of(svc), without, List.of()).lookup(at("127.96.0.10", 80), Protocol.TCP).pick(client);
    assertFalse(moved.equals(first));
    // Timeout: after 10 s idle the builder's sweep forgets the client and picks are free again.
    now[0] += 11_000_000_000L;
    assertEquals(1, e1.affinity().size());
    builder.sweepAffinity();
    assertEquals(0, e1.affinity().size());
  }

  @Test
  void balancingAnnotationOverridesTheDefaultAndBadValuesWarn() throws Exception {
    RoutingSnapshot s = build(List.of(
        service("a", "127.96.0.10", port("", "TCP", 80, 80)).putAnnotations("gantry.io/balancing", "p2c").build(),
        service("b", "127.96.0.11", port("", "TCP", 80, 80)).putAnnotations("gantry.io/balancing", "nope").build()),
        List.of(), List.of());
    assertEquals(Balancing.POWER_OF_TWO, s.lookup(at("127.96.0.10", 80), Protocol.TCP).balancing());
    assertEquals(Balancing.RANDOM, s.lookup(at("127.96.0.11", 80), Protocol.TCP).balancing());
    assertEquals(1, s.warnings().size());
  }
}
