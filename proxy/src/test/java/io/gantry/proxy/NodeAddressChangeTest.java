package io.gantry.proxy;

import static io.gantry.proxy.table.ViewFactory.endpoints;
import static io.gantry.proxy.table.ViewFactory.epPort;
import static io.gantry.proxy.table.ViewFactory.node;
import static io.gantry.proxy.table.ViewFactory.nodePort;
import static io.gantry.proxy.table.ViewFactory.ready;
import static io.gantry.proxy.table.ViewFactory.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.control.api.v1.ServicePort;
import io.gantry.proxy.table.ListenKey;
import io.gantry.proxy.table.Protocol;
import io.gantry.proxy.table.RoutingSnapshot;
import io.gantry.proxy.testing.Backend;
import io.gantry.proxy.testing.Client;
import io.gantry.proxy.testing.UdpBackend;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ProxyServer#nodeAddresses(List)} over real sockets (127.x addresses, all local): what
 * host mode's address watcher calls when the node's addresses change. NodePort and health-check
 * listeners move to the new set; a connection accepted on an address gone drains.
 */
class NodeAddressChangeTest {

  private final int net = ThreadLocalRandom.current().nextInt(1, 250);
  private final String first = "127.0." + net + ".31";
  private final String second = "127.0." + net + ".32";
  private final String fromNodeView = "127.0." + net + ".33";
  private final int nodePort = 30000 + net;
  private final int healthPort = 31000 + net;
  private Backend backend;
  private UdpBackend udpBackend;
  private ProxyServer proxy;

  @BeforeEach
  void start() throws Exception {
    backend = new Backend("a");
    udpBackend = new UdpBackend("u");
    proxy = ProxyServer.start(ProxyConfig.defaults("n1").withNodeAddresses(List.of(InetAddress.getByName(first)))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30))
        .withLimits(1000, 1000, 1));
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    backend.close();
    udpBackend.close();
  }

  @Test
  void nodePortsAndHealthChecksMoveWithTheAddressesAndConnectionsOnAGoneOneDrain() throws Exception {
    ServicePort dns = ServicePort.newBuilder().setName("dns").setProtocol("UDP").setPort(53).setNodePort(nodePort)
        .setTargetPortNumber(udpBackend.port()).build();
    proxy.update(List.of(service("web", "127.95." + net + ".10", nodePort("", 80, nodePort), dns)
            .setType("LoadBalancer").setExternalTrafficPolicy("Local").setHealthCheckNodePort(healthPort).build()),
        Map.of("default/web", endpoints("web", ready("127.0.0.1", "n1", "", "TCP", backend.port()).toBuilder()
            .putPorts("dns", epPort("UDP", udpBackend.port())).build())),
        List.of(node("n1", fromNodeView))).get(10, TimeUnit.SECONDS);
    assertEquals("a", Client.whoServes(first, nodePort));
    assertEquals("u:ping", udp(first, nodePort, "ping"));

    try (Client held = new Client(first, nodePort)) {
      assertEquals("a", held.hello());
      RoutingSnapshot moved = proxy.nodeAddresses(List.of(InetAddress.getByName(second))).get(10, TimeUnit.SECONDS);
      assertEquals(List.of(InetAddress.getByName(second), InetAddress.getByName(fromNodeView)),
          moved.nodeAddresses());
      assertEquals(Set.of(second + ":" + nodePort, fromNodeView + ":" + nodePort, "127.95." + net + ".10:80",
          "udp " + second + ":" + nodePort, "udp " + fromNodeView + ":" + nodePort, "udp 127.95." + net + ".10:53"),
          names(proxy.listening().get(5, TimeUnit.SECONDS)));
      assertEquals("u:pong", udp(second, nodePort, "pong"));
      assertEquals(Set.of(second + ":" + healthPort, fromNodeView + ":" + healthPort),
          names(proxy.healthListening().get(5, TimeUnit.SECONDS)));
      assertEquals("a", Client.whoServes(second, nodePort));
      assertEquals("a", Client.whoServes(fromNodeView, nodePort), "the Node's own address is kept");
      assertThrows(IOException.class, () -> Client.whoServes(first, nodePort), "nothing listens there any more");
      Thread.sleep(2_500); // two drain sweeps
      assertEquals("still here", held.echo("still here"), "accepted on the gone address: drains, not cut");
    }
    assertEquals(Set.of(InetAddress.getByName("127.95." + net + ".10")),
        proxy.serviceAddresses().get(5, TimeUnit.SECONDS), "node addresses are never service addresses");
    assertEquals(List.of(InetAddress.getByName(second)), proxy.nodeAddresses());
  }

  @Test
  void addressesSetBeforeTheFirstConfigurationWaitForIt() throws Exception {
    RoutingSnapshot before = proxy.nodeAddresses(List.of(InetAddress.getByName(second))).get(10, TimeUnit.SECONDS);
    assertEquals(0, before.version(), "no table before the first configuration");
    assertFalse(proxy.ready(), "following addresses does not make a proxy ready");
    proxy.update(List.of(service("web", "127.95." + net + ".10", nodePort("", 80, nodePort)).setType("NodePort")
            .build()), Map.of("default/web", endpoints("web", ready("127.0.0.1", "n1", "", "TCP", backend.port()))),
        List.of()).get(10, TimeUnit.SECONDS);
    assertEquals("a", Client.whoServes(second, nodePort));
    assertThrows(IOException.class, () -> Client.whoServes(first, nodePort));
  }

  @Test
  void aNodePortTakenOnANewAddressLeavesTheOtherListenersServing() throws Exception {
    proxy.update(List.of(service("web", "127.95." + net + ".10", nodePort("", 80, nodePort)).setType("NodePort")
            .build()), Map.of("default/web", endpoints("web", ready("127.0.0.1", "n1", "", "TCP", backend.port()))),
        List.of()).get(10, TimeUnit.SECONDS);
    try (ServerSocket squatter = new ServerSocket(nodePort, 10, InetAddress.getByName(second))) {
      proxy.nodeAddresses(List.of(InetAddress.getByName(first), InetAddress.getByName(second),
          InetAddress.getByName(fromNodeView))).get(10, TimeUnit.SECONDS);
      assertEquals("a", Client.whoServes(first, nodePort));
      assertEquals("a", Client.whoServes(fromNodeView, nodePort), "one failed bind does not stop the rest");
      assertEquals(Set.of(first + ":" + nodePort, fromNodeView + ":" + nodePort, "127.95." + net + ".10:80"),
          names(proxy.listening().get(5, TimeUnit.SECONDS)));
    }
  }

  /** "ip:port" for TCP, "udp ip:port" for UDP. */
  private static Set<String> names(List<ListenKey> keys) {
    return keys.stream().map(k -> (k.protocol() == Protocol.UDP ? "udp " : "")
        + k.address().getAddress().getHostAddress() + ":" + k.address().getPort()).collect(Collectors.toSet());
  }

  private static String udp(String ip, int port, String text) throws IOException {
    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
      client.setSoTimeout(5000);
      byte[] payload = text.getBytes(StandardCharsets.UTF_8);
      client.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(InetAddress.getByName(ip), port)));
      DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
      client.receive(reply);
      return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
    }
  }
}
