package io.gantry.proxy;

import static io.gantry.proxy.table.ViewFactory.endpoints;
import static io.gantry.proxy.table.ViewFactory.node;
import static io.gantry.proxy.table.ViewFactory.nodePort;
import static io.gantry.proxy.table.ViewFactory.ready;
import static io.gantry.proxy.table.ViewFactory.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.proxy.host.AddressPlumbing;
import io.gantry.proxy.testing.Backend;
import io.gantry.proxy.testing.Client;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the proxy drives its {@link AddressPlumbing}: service addresses (not node addresses) are
 * added before their listeners bind, strays go with the first table, and an address is taken away
 * only after its last connection closed or the drain deadline passed. The plumbing here records
 * calls; 127.x addresses are local anyway, so the real listeners still work.
 */
class ServiceAddressPlumbingTest {

  private final int net = ThreadLocalRandom.current().nextInt(1, 250);
  private final Recording plumbing = new Recording();
  private ProxyServer proxy;
  private Backend backend;

  /** Records calls; {@link #present} holds an address left by an "earlier run". */
  private final class Recording implements AddressPlumbing {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public Set<InetAddress> present() {
      return Set.of(address(vip(99)));
    }

    @Override
    public void add(Collection<InetAddress> addresses) {
      calls.add("add " + names(addresses));
    }

    @Override
    public void remove(Collection<InetAddress> addresses) {
      calls.add("remove " + names(addresses));
    }
  }

  private String vip(int host) {
    return "127.96." + net + "." + host;
  }

  private void start(Duration drain) throws Exception {
    backend = new Backend("a");
    proxy = ProxyServer.start(ProxyConfig.defaults("n1")
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30), drain)
        .withLimits(1000, 1000, 1), plumbing);
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void serviceAddressesArePlumbedBeforeBindingAndStraysReconciledAway() throws Exception {
    start(Duration.ofSeconds(30));
    String nodeIp = "127.0." + net + ".11";
    apply(List.of(web(vip(1))), List.of(node("n1", nodeIp)));

    assertEquals(List.of("remove [" + vip(99) + "]", "add [" + vip(1) + "]"), plumbing.calls,
        "the stray goes, the ClusterIP comes; the node address is not the plumbing's");
    assertEquals("a", Client.whoServes(vip(1), 8080));
    assertEquals("a", Client.whoServes(nodeIp, 30000 + net));
    assertEquals(Set.of(address(vip(1))), proxy.serviceAddresses().get(5, TimeUnit.SECONDS));

    apply(List.of(web(vip(1))), List.of(node("n1", nodeIp)));
    assertEquals(2, plumbing.calls.size(), "an address in place is not added again");
  }

  @Test
  void anAddressGoesOnlyAfterItsLastConnectionClosed() throws Exception {
    start(Duration.ofSeconds(30));
    apply(List.of(web(vip(1))), List.of());
    try (Client held = new Client(vip(1), 8080)) {
      assertEquals("a", held.hello());
      apply(List.of(), List.of());
      Thread.sleep(2_500); // two drain sweeps
      assertEquals(List.of("remove [" + vip(99) + "]", "add [" + vip(1) + "]"), plumbing.calls,
          "a connection still uses the address");
      assertEquals("still here", held.echo("still here"));
    }
    awaitCall("remove [" + vip(1) + "]");
    assertEquals(Set.of(), proxy.serviceAddresses().get(5, TimeUnit.SECONDS));
  }

  @Test
  void aDrainDeadlineTakesTheAddressAwayAndAServiceBackInTimeKeepsIt() throws Exception {
    start(Duration.ofSeconds(1));
    apply(List.of(web(vip(1)), web(vip(2)).toBuilder().setName("other").build()), List.of());
    try (Client held = new Client(vip(1), 8080)) {
      assertEquals("a", held.hello());
      apply(List.of(), List.of());
      apply(List.of(web(vip(2)).toBuilder().setName("other").build()), List.of()); // back before the sweep
      awaitCall("remove [" + vip(1) + "]");
    }
    assertTrue(plumbing.calls.stream().noneMatch(c -> c.contains(vip(2)) && c.startsWith("remove")), plumbing.calls
        .toString());
    assertEquals(1, plumbing.calls.stream().filter(c -> c.contains(vip(2))).count(), "added once, kept");
  }

  private ServiceView web(String vip) {
    return service("web", vip, nodePort("", 8080, 30000 + net)).setType("NodePort").build();
  }

  private void apply(List<ServiceView> services, List<NodeView> nodes) throws Exception {
    EndpointView eps = endpoints("web", ready("127.0.0.1", "n1", "", "TCP", backend.port()));
    EndpointView other = endpoints("other", ready("127.0.0.1", "n1", "", "TCP", backend.port()));
    proxy.update(services, Map.of("default/web", eps, "default/other", other), nodes).get(10, TimeUnit.SECONDS);
  }

  private void awaitCall(String call) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!plumbing.calls.contains(call)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + call + " within 10 s: " + plumbing.calls);
      }
      Thread.sleep(50);
    }
  }

  private static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }

  private static String names(Collection<InetAddress> addresses) {
    return addresses.stream().map(InetAddress::getHostAddress).sorted().toList().toString();
  }
}
