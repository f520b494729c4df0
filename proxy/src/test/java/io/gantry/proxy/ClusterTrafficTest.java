package io.gantry.proxy;

import static io.gantry.proxy.table.ViewFactory.endpoints;
import static io.gantry.proxy.table.ViewFactory.node;
import static io.gantry.proxy.table.ViewFactory.nodePort;
import static io.gantry.proxy.table.ViewFactory.port;
import static io.gantry.proxy.table.ViewFactory.ready;
import static io.gantry.proxy.table.ViewFactory.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.proxy.table.Cidr;
import io.gantry.proxy.testing.Backend;
import io.gantry.proxy.testing.Client;
import io.gantry.proxy.testing.UdpBackend;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * In-cluster clients (pod CIDR, this node, or the served address itself) of NodePorts, LoadBalancer
 * IPs and external IPs with {@code externalTrafficPolicy: Local} use all endpoints; outside clients
 * keep the Local policy.
 */
class ClusterTrafficTest {

  private final int net = ThreadLocalRandom.current().nextInt(1, 250);
  private final String lbIp = "127.240." + net + ".5";
  private final String externalIp = "127.241." + net + ".6";
  private final String nodeIp = "127.0." + net + ".31";
  private final String podIp = "127.244." + net + ".7"; // in the default cluster CIDR
  private final String outsideIp = "127.100." + net + ".8";
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private ProxyServer proxy;

  @BeforeEach
  void start() {
    proxy = ProxyServer.start(ProxyConfig.defaults("n1").withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
        Duration.ofSeconds(30), Duration.ofSeconds(30)).withLimits(1000, 1000, 2));
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    for (AutoCloseable c : closeLater) {
      c.close();
    }
  }

  private ServiceView svc(String protocol, int port) {
    return service("web", "127.96." + net + ".10", port("", protocol, port, 0)).setType("LoadBalancer")
        .addLoadBalancerIps(lbIp).addExternalIps(externalIp).setExternalTrafficPolicy("Local").build();
  }

  private void apply(ServiceView svc, Endpoint... eps) throws Exception {
    EndpointView view = endpoints("web", eps);
    List<NodeView> nodes = List.of(node("n1", nodeIp));
    proxy.update(List.of(svc), Map.of("default/web", view), nodes).get(10, TimeUnit.SECONDS);
  }

  private Backend backend(String name) throws IOException {
    Backend b = new Backend(name);
    closeLater.add(b);
    return b;
  }

  private Set<String> served(String address, int port, String from, int times) throws IOException {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < times; i++) {
      names.add(Client.whoServes(address, port, from));
    }
    return names;
  }

  @Test
  void tcpFromInsideUsesAllEndpointsFromOutsideOnlyLocalOnes() throws Exception {
    Backend local = backend("local");
    Backend remote = backend("remote");
    apply(svc("TCP", 8080), ready("127.0.0.1", "n1", "", "TCP", local.port()),
        ready("127.0.0.1", "n2", "", "TCP", remote.port()));
    for (String address : List.of(lbIp, externalIp)) {
      assertEquals(Set.of("local"), served(address, 8080, outsideIp, 20), address + " from outside");
      assertEquals(Set.of("local", "remote"), served(address, 8080, podIp, 40), address + " from a pod");
      assertEquals(Set.of("local", "remote"), served(address, 8080, nodeIp, 40), address + " from the node");
    }
    // The ClusterIP keeps internalTrafficPolicy (Cluster): every client gets every endpoint.
    assertEquals(Set.of("local", "remote"), served("127.96." + net + ".10", 8080, outsideIp, 40));
  }

  @Test
  void tcpWithoutLocalEndpointsDropsOutsideClientsOnly() throws Exception {
    Backend remote = backend("remote");
    apply(svc("TCP", 8081), ready("127.0.0.1", "n2", "", "TCP", remote.port()));
    assertNull(Client.whoServes(lbIp, 8081, outsideIp)); // accepted, then closed without data
    assertEquals("remote", Client.whoServes(lbIp, 8081, podIp));
    assertEquals("remote", Client.whoServes(externalIp, 8081, nodeIp));
  }

  /** As kube-proxy's iptables and nftables modes: pod and node-local traffic to a NodePort takes the cluster chain. */
  @Test
  void nodePortsKeepTheLocalPolicyForOutsideClientsOnly() throws Exception {
    Backend remote = backend("remote");
    int nodePort = 30000 + net;
    ServiceView svc = service("web", "127.96." + net + ".10", nodePort("", 8082, nodePort)).setType("LoadBalancer")
        .setExternalTrafficPolicy("Local").build();
    apply(svc, ready("127.0.0.1", "n2", "", "TCP", remote.port()));
    assertNull(Client.whoServes(nodeIp, nodePort, outsideIp));
    assertEquals("remote", Client.whoServes(nodeIp, nodePort, podIp));
    assertEquals("remote", Client.whoServes(nodeIp, nodePort, nodeIp));
  }

  /** The node's own connection to an address it serves comes from that address (kube-proxy's --src-type LOCAL). */
  @Test
  void theNodesOwnTrafficToAnAddressItServesIsInCluster() throws Exception {
    Backend remote = backend("remote");
    apply(svc("TCP", 8083), ready("127.0.0.1", "n2", "", "TCP", remote.port()));
    assertEquals("remote", Client.whoServes(lbIp, 8083, lbIp));
    assertEquals("remote", Client.whoServes(externalIp, 8083, externalIp));
    assertNull(Client.whoServes(lbIp, 8083, outsideIp));
  }

  @Test
  void configuredClusterCidrDecides() throws Exception {
    proxy.close();
    proxy = ProxyServer.start(ProxyConfig.defaults("n1").withClusterCidr(Cidr.parse("127.100.0.0/16"))
        .withLimits(1000, 1000, 1));
    Backend remote = backend("remote");
    apply(svc("TCP", 8083), ready("127.0.0.1", "n2", "", "TCP", remote.port()));
    assertEquals("remote", Client.whoServes(lbIp, 8083, outsideIp)); // now a pod address
    assertNull(Client.whoServes(lbIp, 8083, podIp)); // no longer one
  }

  private DatagramSocket udpClient(String from) throws Exception {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.setSoTimeout(1500);
    closeLater.add(s);
    return s;
  }

  private static String ask(DatagramSocket client, String to, String text) throws Exception {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    client.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(InetAddress.getByName(to), 5353)));
    byte[] buf = new byte[2048];
    DatagramPacket reply = new DatagramPacket(buf, buf.length);
    client.receive(reply);
    return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
  }

  @Test
  void udpFlowsFromInsideUseAllEndpoints() throws Exception {
    UdpBackend remote = new UdpBackend("remote");
    closeLater.add(remote);
    apply(svc("UDP", 5353), ready("127.0.0.1", "n2", "", "UDP", remote.port()));
    for (String address : List.of(lbIp, externalIp)) {
      DatagramSocket outside = udpClient(outsideIp);
      assertThrows(SocketTimeoutException.class, () -> ask(outside, address, "hi")); // Local: dropped
      DatagramSocket pod = udpClient(podIp);
      assertEquals("remote:hi", ask(pod, address, "hi"));
      assertEquals("remote:again", ask(pod, address, "again")); // the same flow
      assertEquals("remote:hi", ask(udpClient(nodeIp), address, "hi"));
    }
  }

  @Test
  void udpFromOutsideUsesLocalEndpoints() throws Exception {
    UdpBackend local = new UdpBackend("local");
    UdpBackend remote = new UdpBackend("remote");
    closeLater.add(local);
    closeLater.add(remote);
    apply(svc("UDP", 5353), ready("127.0.0.1", "n1", "", "UDP", local.port()),
        ready("127.0.0.1", "n2", "", "UDP", remote.port()));
    Set<String> outside = new HashSet<>();
    Set<String> inside = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      outside.add(ask(udpClient(outsideIp), lbIp, "x"));
      inside.add(ask(udpClient(podIp), lbIp, "x"));
    }
    assertEquals(Set.of("local:x"), outside);
    assertEquals(Set.of("local:x", "remote:x"), inside);
  }
}
