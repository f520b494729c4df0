package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.testing.GantryProcess;
import io.gantry.testing.HostCommand;
import io.gantry.testing.Poll;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code gantry proxy --network host} on a real topology of network namespaces (needs root):
 *
 * <pre>
 *   pod ns  10.202.1.2 ──veth── 10.202.1.1  node ns  10.202.2.1 ──veth── 10.202.2.2  backend ns
 *   default route via the node               gantry proxy --network host            java -m jdk.httpserver
 *                                            dummy interface: service addresses
 * </pre>
 *
 * The real {@code curl} in the pod namespace reaches the backend through the ClusterIP, a NodePort
 * on the node address, a LoadBalancer ingress IP and an external IP; the addresses sit on the
 * dummy interface as /32s; a removed service's address leaves only after its last connection
 * closed; garbage and abandoned connections leave the proxy serving; an address added to the node
 * while the proxy runs gets the NodePort, and loses it again (connections draining) when removed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxyHostModeIT {

  private static final Duration POLL = Duration.ofMillis(200);
  private static final String CLUSTER_IP = "10.212.0.10";
  private static final String GONE_IP = "10.212.0.20";
  private static final String LB_IP = "10.212.100.5";
  private static final String EXTERNAL_IP = "10.212.200.7";
  private static final String STRAY_IP = "10.212.9.9";
  private static final String NODE_IP = "10.202.1.1";
  private static final String BACKEND_IP = "10.202.2.2";
  private static final String ADDED_NODE_IP = "10.208." + ThreadLocalRandom.current().nextInt(1, 255) + "."
      + ThreadLocalRandom.current().nextInt(1, 255);

  private final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
  private final String nodeNs = "gph-node-" + suffix;
  private final String podNs = "gph-pod-" + suffix;
  private final String backendNs = "gph-back-" + suffix;
  private final String serviceInterface = "gphs" + suffix;
  private final List<String> namespaces = new ArrayList<>();
  private Path dir;
  private Path manifests;
  private Process backend;
  private Process proxy;

  @BeforeAll
  void topology() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "host network mode needs root (network namespaces, links); skipped as " + System.getProperty("user.name"));
    assumeTrue(run("ip", "netns", "list").exit() == 0, "host network mode needs a working `ip netns`");
    dir = Files.createTempDirectory("gantry-proxy-host-");
    manifests = Files.createDirectory(dir.resolve("manifests"));
    Path www = Files.createDirectory(dir.resolve("www"));
    Files.writeString(www.resolve("hello.txt"), "backend " + suffix + "\n");
    for (String ns : List.of(nodeNs, podNs, backendNs)) {
      ok("ip", "netns", "add", ns);
      namespaces.add(ns);
      ok("ip", "-n", ns, "link", "set", "lo", "up");
    }
    veth("gphp" + suffix, podNs, "10.202.1.2/24", "gphq" + suffix, nodeNs, NODE_IP + "/24");
    veth("gphb" + suffix, backendNs, BACKEND_IP + "/24", "gphc" + suffix, nodeNs, "10.202.2.1/24");
    ok("ip", "-n", podNs, "route", "add", "default", "via", NODE_IP);
    ok("ip", "-n", backendNs, "route", "add", "default", "via", "10.202.2.1");
    ok("ip", "netns", "exec", nodeNs, "sysctl", "-qw", "net.ipv4.ip_forward=1");

    backend = new ProcessBuilder("ip", "netns", "exec", backendNs, java(), "-m", "jdk.httpserver",
        "-b", BACKEND_IP, "-p", "8080", "-d", www.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("backend.log").toFile()).start();
    Poll.until("the backend to serve", Duration.ofSeconds(30), POLL,
        () -> curlFrom(nodeNs, BACKEND_IP + ":8080").exit() == 0, () -> curlFrom(nodeNs, BACKEND_IP + ":8080"));

    writeManifests(true);
    startProxy(); // creates the service interface
  }

  private void startProxy() throws IOException {
    Files.deleteIfExists(dir.resolve("proxy.log"));
    proxy = new ProcessBuilder("ip", "netns", "exec", nodeNs, java(), "-jar", GantryProcess.locateJar().toString(),
        "proxy", "--network", "host", "--service-interface", serviceInterface, "--manifests", manifests.toString(),
        "--node", "node-1", "--drain-timeout", "PT60S", "--admin-port", "6446")
        .redirectErrorStream(true).redirectOutput(dir.resolve("proxy.log").toFile()).start();
    Poll.until("the proxy to start", Duration.ofSeconds(60), POLL, () -> {
      assertTrue(proxy.isAlive(), "the proxy exited:\n" + proxyLog());
      return proxyLog().contains("Gantry proxy is up");
    }, this::proxyLog);
  }

  @AfterAll
  void cleanUp() throws Exception {
    for (Process p : new Process[] {proxy, backend}) {
      if (p != null) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
    for (String ns : namespaces) {
      run("ip", "netns", "del", ns); // takes its veth ends and the dummy interface with it
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void aPodReachesTheBackendThroughEveryKindOfServiceAddress() {
    String expected = "backend " + suffix + "\n";
    for (String target : List.of(CLUSTER_IP + ":80", NODE_IP + ":30080", LB_IP + ":80", EXTERNAL_IP + ":80")) {
      HostCommand r = curlFrom(podNs, target);
      assertEquals(0, r.exit(), "curl " + target + " from the pod namespace: " + r.output() + "\n" + proxyLog());
      assertEquals(expected, r.output(), target);
    }
    String addresses = serviceAddresses();
    for (String ip : List.of(CLUSTER_IP, GONE_IP, LB_IP, EXTERNAL_IP)) {
      assertTrue(addresses.contains(" " + ip + "/32 "), ip + " on " + serviceInterface + ":\n" + addresses);
    }
    assertFalse(addresses.contains(NODE_IP), "node addresses stay where they are:\n" + addresses);
  }

  @Test
  @Order(2)
  void garbageAndAbandonedConnectionsLeaveTheProxyServing() throws Exception {
    byte[] garbage = new byte[64 * 1024];
    ThreadLocalRandom.current().nextBytes(garbage);
    List<Process> clients = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      // curl's telnet:// is a raw TCP client: random bytes in, then killed mid-connection.
      Process client = new ProcessBuilder("ip", "netns", "exec", podNs, "curl", "-sS", "--max-time", "20",
          "telnet://" + CLUSTER_IP + ":80").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      clients.add(client);
      if (i % 2 == 0) {
        try (OutputStream out = client.getOutputStream()) {
          out.write(garbage);
        } catch (IOException ignored) {
          // the backend may close first
        }
      }
    }
    Thread.sleep(500);
    for (Process client : clients) {
      client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    assertTrue(proxy.isAlive(), proxyLog());
    assertEquals("backend " + suffix + "\n", curlFrom(podNs, CLUSTER_IP + ":80").output());
    Poll.until("abandoned connections to be closed", Duration.ofSeconds(30), POLL,
        () -> activeConnections() == 0, this::activeConnections);
  }

  @Test
  @Order(3)
  void aRemovedServiceLosesItsAddressOnlyAfterItsLastConnectionClosed() throws Exception {
    Process held = new ProcessBuilder("ip", "netns", "exec", podNs, "curl", "-sS", "--max-time", "60",
        "telnet://" + GONE_IP + ":80").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      Poll.until("the held connection to be relayed", Duration.ofSeconds(20), POLL,
          () -> activeConnections() == 1, this::activeConnections);
      writeManifests(false);
      Poll.until("the removed service's listener to close", Duration.ofSeconds(20), POLL,
          () -> curlFrom(podNs, GONE_IP + ":80").exit() != 0, this::proxyLog);
      Thread.sleep(2_500); // two drain sweeps
      assertTrue(serviceAddresses().contains(" " + GONE_IP + "/32 "),
          "a connection still uses " + GONE_IP + ":\n" + serviceAddresses());
    } finally {
      held.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Poll.until(GONE_IP + " to leave " + serviceInterface, Duration.ofSeconds(20), POLL,
        () -> !serviceAddresses().contains(" " + GONE_IP + "/32 "), this::serviceAddresses);
    assertTrue(serviceAddresses().contains(" " + CLUSTER_IP + "/32 "), serviceAddresses());
    assertEquals("backend " + suffix + "\n", curlFrom(podNs, CLUSTER_IP + ":80").output());
  }

  @Test
  @Order(4)
  void aRestartedProxyKeepsOwnedAddressesAndRemovesStrays() throws Exception {
    proxy.destroy();
    assertTrue(proxy.waitFor(15, TimeUnit.SECONDS), "the proxy stops on SIGTERM");
    assertTrue(serviceAddresses().contains(" " + CLUSTER_IP + "/32 "), "addresses outlive the process: "
        + serviceAddresses());
    // An address no service owns, as a crashed run with other services would leave behind.
    ok("ip", "-n", nodeNs, "address", "add", STRAY_IP + "/32", "dev", serviceInterface);
    startProxy(); // takes the existing interface over
    Poll.until(STRAY_IP + " to be reconciled away", Duration.ofSeconds(20), POLL,
        () -> !serviceAddresses().contains(" " + STRAY_IP + "/32 "), this::serviceAddresses);
    String addresses = serviceAddresses();
    for (String ip : List.of(CLUSTER_IP, LB_IP, EXTERNAL_IP)) {
      assertTrue(addresses.contains(" " + ip + "/32 "), ip + " on " + serviceInterface + ":\n" + addresses);
    }
    assertEquals("backend " + suffix + "\n", curlFrom(podNs, LB_IP + ":80").output());
  }

  @Test
  @Order(5)
  void nodePortsFollowAnAddressAddedToAndRemovedFromTheNode() throws Exception {
    String expected = "backend " + suffix + "\n";
    String veth = "gphq" + suffix;
    assertFalse(listening(ADDED_NODE_IP, 30080), nodeListeners());
    long added = System.nanoTime();
    ok("ip", "-n", nodeNs, "address", "add", ADDED_NODE_IP + "/32", "dev", veth);
    Poll.until("the NodePort on the added address " + ADDED_NODE_IP + " to answer", Duration.ofSeconds(15),
        Duration.ofMillis(20), () -> curlFrom(podNs, ADDED_NODE_IP + ":30080").exit() == 0, this::proxyLog);
    long millis = (System.nanoTime() - added) / 1_000_000;
    System.out.println("ProxyHostModeIT: NodePort on an added node address answered " + millis + " ms after ip addr add");
    assertTrue(millis < 5_000, "the NodePort followed the address within " + millis + " ms (expected: about 1 s)");
    assertEquals(expected, curlFrom(podNs, ADDED_NODE_IP + ":30080").output());
    assertTrue(proxyLog().contains("node addresses changed: added [" + ADDED_NODE_IP + "], removed []"), proxyLog());
    assertTrue(listening(ADDED_NODE_IP, 30080), nodeListeners());
    assertTrue(status().contains("\"" + ADDED_NODE_IP + "\""), "/status nodeAddresses: " + status());
    assertFalse(listening(CLUSTER_IP, 30080), "service addresses are not node addresses:\n" + nodeListeners());

    Process held = new ProcessBuilder("ip", "netns", "exec", podNs, "curl", "-sS", "--max-time", "60",
        "telnet://" + ADDED_NODE_IP + ":30080").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Poll.until("the held connection to be relayed", Duration.ofSeconds(20), POLL,
          () -> activeConnections() == 1, this::activeConnections);
      long removed = System.nanoTime();
      ok("ip", "-n", nodeNs, "address", "del", ADDED_NODE_IP + "/32", "dev", veth);
      Poll.until("the NodePort listener on the removed address to close", Duration.ofSeconds(15), Duration.ofMillis(20),
          () -> !listening(ADDED_NODE_IP, 30080), this::nodeListeners);
      System.out.println("ProxyHostModeIT: NodePort listener on a removed node address closed "
          + (System.nanoTime() - removed) / 1_000_000 + " ms after ip addr del");
      assertTrue(proxyLog().contains("node addresses changed: added [], removed [" + ADDED_NODE_IP + "]"), proxyLog());
      assertTrue(listening(NODE_IP, 30080), nodeListeners());
      assertFalse(status().contains("\"" + ADDED_NODE_IP + "\""), "/status nodeAddresses: " + status());
      assertEquals(expected, curlFrom(podNs, NODE_IP + ":30080").output(), "the original address still serves");
      Thread.sleep(2_500); // two drain sweeps
      assertEquals(1, activeConnections(), "the connection accepted on the removed address drains, it is not cut");
    } finally {
      // Its FIN goes to an address the node no longer has: the drain deadline closes the proxy's side.
      held.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Whether a TCP socket in the node namespace listens on {@code ip:port} ({@code ss -ltn}; IPv4 or IPv4-mapped). */
  private boolean listening(String ip, int port) {
    String listeners = nodeListeners();
    return listeners.contains(" " + ip + ":" + port + " ") || listeners.contains("[::ffff:" + ip + "]:" + port + " ");
  }

  private String nodeListeners() {
    return ok("ip", "netns", "exec", nodeNs, "ss", "-Hltn").output().replace("\n", " \n");
  }

  private void writeManifests(boolean withGone) throws IOException {
    String web = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default}
        spec:
          type: LoadBalancer
          clusterIP: %s
          externalIPs: [%s]
          ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080}]
        status:
          loadBalancer: {ingress: [{ip: %s}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
        addressType: IPv4
        ports: [{name: http, port: 8080, protocol: TCP}]
        endpoints:
        - addresses: [%s]
          conditions: {ready: true}
        """.formatted(CLUSTER_IP, EXTERNAL_IP, LB_IP, BACKEND_IP);
    String gone = """
        apiVersion: v1
        kind: Service
        metadata: {name: gone, namespace: default}
        spec:
          clusterIP: %s
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: gone-1, namespace: default, labels: {kubernetes.io/service-name: gone}}
        addressType: IPv4
        ports: [{name: http, port: 8080, protocol: TCP}]
        endpoints:
        - addresses: [%s]
          conditions: {ready: true}
        """.formatted(GONE_IP, BACKEND_IP);
    Path tmp = dir.resolve("services.yaml.tmp");
    Files.writeString(tmp, withGone ? web + "---\n" + gone : web);
    Files.move(tmp, manifests.resolve("services.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@code ip -o address show dev <service interface>} in the node namespace, each line padded with spaces. */
  private String serviceAddresses() {
    HostCommand r = ok("ip", "-n", nodeNs, "-o", "address", "show", "dev", serviceInterface);
    return r.output().replace("\n", " \n");
  }

  private String status() {
    return ok("ip", "netns", "exec", nodeNs, "curl", "-sS", "--max-time", "5", "http://127.0.0.1:6446/status").output();
  }

  private long activeConnections() {
    HostCommand r = run("ip", "netns", "exec", nodeNs, "curl", "-sS", "--max-time", "5", "http://127.0.0.1:6446/metrics");
    long total = 0;
    for (String line : r.output().split("\n")) {
      if (line.startsWith("gantry_proxy_active_connections{")) {
        total += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim());
      }
    }
    return total;
  }

  private HostCommand curlFrom(String ns, String hostPort) {
    return run("ip", "netns", "exec", ns, "curl", "-sS", "--max-time", "5", "http://" + hostPort + "/hello.txt");
  }

  private void veth(String a, String nsA, String addressA, String b, String nsB, String addressB) {
    ok("ip", "link", "add", a, "type", "veth", "peer", "name", b);
    ok("ip", "link", "set", a, "netns", nsA);
    ok("ip", "link", "set", b, "netns", nsB);
    ok("ip", "-n", nsA, "address", "add", addressA, "dev", a);
    ok("ip", "-n", nsB, "address", "add", addressB, "dev", b);
    ok("ip", "-n", nsA, "link", "set", a, "up");
    ok("ip", "-n", nsB, "link", "set", b, "up");
  }

  private String proxyLog() {
    try {
      return Files.readString(dir.resolve("proxy.log"));
    } catch (IOException e) {
      return "(no proxy log: " + e + ")";
    }
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static HostCommand ok(String... command) {
    return HostCommand.run(command).assertOk();
  }

  private static HostCommand run(String... command) {
    return HostCommand.run(command);
  }
}
