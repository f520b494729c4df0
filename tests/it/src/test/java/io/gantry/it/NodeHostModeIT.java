package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.FreePort;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.HostCommand;
import io.gantry.testing.Json;
import io.gantry.testing.Kubectl;
import io.gantry.testing.NodeResolver;
import io.gantry.testing.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Host network mode, end to end: the control component alone ({@code gantry up --nodes 0}) and a
 * {@code gantry node --network host} process with a bridge of its own. Pods applied with kubectl
 * get a network namespace, an address from their node's pod CIDR (answering the host through the
 * bridge, and each other), the cluster DNS in their resolv.conf; a killed process comes back in the
 * same namespace with the same address; a deleted pod leaves no namespace, veth or allocation
 * behind; and a restarted agent removes what pods deleted while it was down left, but nothing it
 * did not create. Needs root; the addresses are 10.201.0.0/16 (pods) and 10.211.0.0/16 (services).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeHostModeIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String IP = "/usr/sbin/ip";
  private static final String DNS = "10.211.0.10";

  private final String suffix = "%06x".formatted(ThreadLocalRandom.current().nextInt(1 << 24));
  private final String bridge = "ghb" + suffix;
  private final String nodeName = "host-" + suffix;
  /** A namespace named like a pod's that this test, not the agent, creates: the agent must leave it alone. */
  private final String foreignNetns = "gp-f0" + suffix + "0000";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private GantryProcess gantry;
  private Kubectl kubectl;
  private Path nodeDir;
  private Process agent;
  private int agentStarts;

  @BeforeAll
  void start() throws IOException {
    Assumptions.assumeTrue(isRoot(), "host network mode creates network namespaces and links: needs root");
    Assumptions.assumeTrue(Files.isExecutable(Path.of(IP)), "host network mode needs iproute2 at " + IP);
    gantry = GantryProcess.start("--nodes", "0", "--network", "loopback", "--pod-cidr", "10.201.0.0/16",
        "--service-cidr", "10.211.0.0/16");
    kubectl = gantry.kubectl();
    nodeDir = Files.createDirectories(gantry.dataDir().resolve("host-node"));
    startAgent();
  }

  @AfterAll
  void stop() throws Exception {
    stopAgent();
    // the agent keeps pod networks when it stops (as it keeps loopback addresses): remove them here,
    // reading its records before the data dir goes with the control component
    List<String> netns = new ArrayList<>(List.of(foreignNetns));
    if (nodeDir != null && Files.isDirectory(nodeDir.resolve("netns"))) {
      try (DirectoryStream<Path> records = Files.newDirectoryStream(nodeDir.resolve("netns"), "gp-*")) {
        records.forEach(r -> netns.add(r.getFileName().toString()));
      }
    }
    if (gantry != null) {
      gantry.close();
    }
    for (String name : netns) {
      if (Files.exists(Path.of("/var/run/netns", name))) {
        sh(IP, "netns", "del", name);
      }
      deleteTree(Path.of("/etc/netns", name));
    }
    if (Files.exists(Path.of("/sys/class/net", bridge))) {
      sh(IP, "link", "del", bridge);
    }
  }

  @Test
  void podsLiveInNetworkNamespacesWiredByTheCniPlugin() throws Exception {
    JsonNode node = awaitValue(nodeName + " Ready with a pod CIDR", () -> {
      Kubectl.Result got = kubectl.run("get", "node", nodeName, "-o", "json");
      JsonNode n = got.exitCode() == 0 ? got.json() : null;
      return n != null && n.at("/spec/podCIDR").isTextual() && "True".equals(Json.condition(n, "Ready")) ? n : null;
    });
    String cidr = node.at("/spec/podCIDR").asText();
    assertTrue(cidr.startsWith("10.201.") && cidr.endsWith("/24"), cidr);
    String prefix = cidr.substring(0, cidr.lastIndexOf('.') + 1);
    assertEquals("127.0.0.1", node.at("/status/addresses/0/address").asText(), node.toString());

    kubectl.run("create", "namespace", "hostmode").assertOk();
    kubectl.runWithInput(pod("web", "image: gantry/echo-http", """
            ports: [{containerPort: 8080, name: http}]
            readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1}
            # passes only inside the pod's namespace, where eth0 carries the pod's address
            livenessProbe:
              exec: {command: [/bin/sh, -c, 'ip -o -4 addr show dev eth0 | grep -q "inet $POD_IP/"']}
              periodSeconds: 1
              timeoutSeconds: 5
              failureThreshold: 2
        """), "apply", "-f", "-").assertOk();
    kubectl.runWithInput(pod("client", "image: /bin/sleep", "    args: ['3600']\n"), "apply", "-f", "-")
        .assertOk();

    JsonNode web = awaitReady("web");
    String webIp = web.at("/status/podIP").asText();
    String webNetns = netns(web);
    assertTrue(webIp.startsWith(prefix), webIp + " in " + cidr);
    assertTrue(sh(IP, "netns", "list").contains(webNetns), webNetns);
    assertEquals(webNetns, sh(IP, "netns", "identify", Long.toString(pid(web))).strip(),
        "the container process runs in the pod's namespace");

    // the host reaches the pod through the bridge, whose address is the range's gateway
    String answer = get("http://" + webIp + ":8080/from-the-host");
    assertTrue(answer.startsWith("pod: web\n"), answer);
    assertTrue(answer.contains("client: " + prefix + "1:"), answer);

    // the cluster DNS and Kubernetes' search path (then the node's domains), seen from inside the pod
    assertEquals("nameserver " + DNS + "\nsearch hostmode.svc.cluster.local svc.cluster.local cluster.local"
        + NodeResolver.searchSuffix() + "\noptions ndots:5\n",
        sh(IP, "netns", "exec", webNetns, "cat", "/etc/resolv.conf"));
    // the e2e "should support configurable pod DNS nameservers" pod: dnsPolicy None, dnsConfig alone
    kubectl.runWithInput(pod("custom-dns", "image: /bin/sleep", """
            args: ['3600']
          dnsPolicy: None
          dnsConfig:
            nameservers: [1.1.1.1]
            searches: [resolv.conf.local]
            options: [{name: ndots, value: "2"}]
          hostname: custom
          subdomain: dns
          hostAliases: [{ip: 123.45.67.89, hostnames: [foo.local, bar.local]}]
        """), "apply", "-f", "-").assertOk();
    JsonNode customDns = awaitReady("custom-dns");
    assertEquals("nameserver 1.1.1.1\nsearch resolv.conf.local\noptions ndots:2\n",
        kubectl.run("-n", "hostmode", "exec", "custom-dns", "--", "cat", "/etc/resolv.conf").assertOk().stdout());
    // and /etc/hosts as the kubelet manages it (e2e KubeletManagedEtcHosts, HostAliases)
    String hosts = kubectl.run("-n", "hostmode", "exec", "custom-dns", "--", "cat", "/etc/hosts").assertOk().stdout();
    assertTrue(hosts.startsWith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"), hosts);
    String customIp = customDns.at("/status/podIP").asText();
    assertTrue(hosts.endsWith(customIp + "\tcustom.dns.hostmode.svc.cluster.local\tcustom\n"
        + "\n# Entries added by HostAliases.\n123.45.67.89\tfoo.local\tbar.local\n"), hosts);
    kubectl.run("-n", "hostmode", "delete", "pod", "custom-dns", "--grace-period=1").assertOk();
    await("custom-dns's network gone", () -> getPod("custom-dns") == null && bridgePorts() == 2);

    // a hostNetwork pod runs in the node's own network namespace, with the node's address and no
    // veth; ClusterFirstWithHostNet keeps the cluster DNS for it
    kubectl.runWithInput(pod("on-host", "image: /bin/sleep", "    args: ['3600']\n  hostNetwork: true\n"
        + "  dnsPolicy: ClusterFirstWithHostNet\n"), "apply", "-f", "-").assertOk();
    JsonNode onHost = awaitReady("on-host");
    assertEquals("127.0.0.1", onHost.at("/status/podIP").asText(), onHost.toString());
    assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")),
        Files.readSymbolicLink(Path.of("/proc", Long.toString(pid(onHost)), "ns", "net")),
        "the pod's process shares the node's network namespace");
    assertEquals(2, bridgePorts(), "no veth for a host-network pod");
    assertEquals("nameserver " + DNS + "\nsearch hostmode.svc.cluster.local svc.cluster.local cluster.local"
        + NodeResolver.searchSuffix() + "\noptions ndots:5\n",
        kubectl.run("-n", "hostmode", "exec", "on-host", "--", "cat", "/etc/resolv.conf").assertOk().stdout());
    kubectl.run("-n", "hostmode", "delete", "pod", "on-host", "--grace-period=1").assertOk();
    await("on-host gone with its namespace name", () -> getPod("on-host") == null
        && !Files.exists(Path.of("/var/run/netns", netns(onHost))));

    // pod to pod: from inside the client's namespace, with the client's own address as the source
    JsonNode client = awaitReady("client");
    String clientIp = client.at("/status/podIP").asText();
    assertTrue(clientIp.startsWith(prefix), clientIp);
    assertNotEquals(webIp, clientIp);
    String fromPod = sh(IP, "netns", "exec", netns(client), "curl", "-sS", "-m", "5",
        "http://" + webIp + ":8080/from-a-pod");
    assertTrue(fromPod.contains("request: GET /from-a-pod") && fromPod.contains("client: " + clientIp + ":"),
        fromPod);
    JsonNode webNow = getPod("web");
    assertEquals(0, webNow.at("/status/containerStatuses/0/restartCount").asInt(),
        "the exec liveness probe passes inside the namespace: " + webNow.at("/status"));

    // a killed process comes back in the same namespace with the same address
    assertTrue(ProcessHandle.of(pid(web)).orElseThrow().destroyForcibly());
    JsonNode restarted = awaitValue("web restarted and Ready", () -> {
      JsonNode p = getPod("web");
      return p != null && p.at("/status/containerStatuses/0/restartCount").asInt() == 1
          && "True".equals(Json.condition(p, "Ready")) ? p : null;
    });
    assertEquals(webIp, restarted.at("/status/podIP").asText());
    assertEquals(webNetns, sh(IP, "netns", "identify", Long.toString(pid(restarted))).strip());
    assertTrue(get("http://" + webIp + ":8080/again").startsWith("pod: web\n"));
    kubectl.run("-n", "hostmode", "logs", "web").assertOk().assertStdoutContains("listening on " + webIp + ":8080");

    // deleting the pod removes its namespace, veth, resolv.conf and address allocation
    assertEquals(2, bridgePorts(), "one veth per pod on " + bridge);
    Path allocation = nodeDir.resolve("cni/gantry").resolve(webIp);
    assertTrue(Files.exists(allocation), allocation.toString());
    // while the process drains after SIGTERM (echo-http serves 3 s more), the network stays
    ProcessHandle process = ProcessHandle.of(pid(restarted)).orElseThrow();
    kubectl.run("-n", "hostmode", "delete", "pod", "web", "--wait=false").assertOk();
    int samples = 0;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (process.isAlive() && System.nanoTime() < deadline) {
      boolean held = Files.exists(Path.of("/var/run/netns", webNetns)) && Files.exists(allocation);
      if (process.isAlive()) { // still alive after the look: the network was there while it ran
        assertTrue(held, "web's network released while its process runs");
        samples++;
      }
      Thread.sleep(50);
    }
    assertFalse(process.isAlive(), "web's process ends after SIGTERM within the grace period");
    assertTrue(samples > 5, "web drained for a while after SIGTERM: " + samples + " samples");
    await("web's network and object gone", () -> !Files.exists(Path.of("/var/run/netns", webNetns))
        && bridgePorts() == 1 && !Files.exists(allocation) && !Files.exists(Path.of("/etc/netns", webNetns))
        && getPod("web") == null);
    assertFalse(sh(IP, "netns", "list").contains(webNetns));

    // a restarted agent removes the network of a pod deleted while it was down, and only what it created
    kubectl.runWithInput(pod("leftover", "image: /bin/sleep", "    args: ['3600']\n"), "apply", "-f", "-")
        .assertOk();
    JsonNode leftover = awaitReady("leftover");
    String leftoverNetns = netns(leftover);
    Path leftoverAllocation = nodeDir.resolve("cni/gantry").resolve(leftover.at("/status/podIP").asText());
    stopAgent();
    assertTrue(Files.exists(Path.of("/var/run/netns", leftoverNetns)), "networks outlive the agent's processes");
    kubectl.run("-n", "hostmode", "delete", "pod", "leftover", "--force", "--grace-period=0").assertOk();
    sh(IP, "netns", "add", foreignNetns);
    startAgent();
    await("leftover's network collected", () -> !Files.exists(Path.of("/var/run/netns", leftoverNetns))
        && !Files.exists(leftoverAllocation) && bridgePorts() == 1);
    assertTrue(Files.exists(Path.of("/var/run/netns", foreignNetns)), "a namespace the agent did not create stays");
    JsonNode clientAgain = awaitValue("client running again after the agent restart", () -> {
      JsonNode p = getPod("client");
      return p != null && p.at("/status/containerStatuses/0/restartCount").asInt() >= 1
          && "True".equals(Json.condition(p, "Ready")) ? p : null;
    });
    assertEquals(clientIp, clientAgain.at("/status/podIP").asText(), "the same address after the agent restart");
    assertEquals(netns(client), sh(IP, "netns", "identify", Long.toString(pid(clientAgain))).strip());
  }

  private static String pod(String name, String image, String rest) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: hostmode}
        spec:
          terminationGracePeriodSeconds: 5
          containers:
          - name: main
            %s
        %s""".formatted(name, image, rest);
  }

  private void startAgent() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path log = nodeDir.resolve("node-" + (++agentStarts) + ".log");
    agent = new ProcessBuilder(java, "-jar", GantryProcess.locateJar().toString(), "node", "--network", "host",
        "--kubeconfig", gantry.kubeconfig().toString(), "--node-name", nodeName, "--node-address", "127.0.0.1",
        "--data-dir", nodeDir.toString(), "--port", "0", "--heartbeat", "PT1S",
        "--admin-port", Integer.toString(FreePort.find()), "--bridge", bridge, "--cluster-dns", DNS)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** SIGTERM, as an operator stops it: the agent stops its pods' processes and keeps their networks. */
  private void stopAgent() throws InterruptedException {
    if (agent == null) {
      return;
    }
    List<ProcessHandle> descendants = agent.descendants().toList();
    agent.destroy();
    if (!agent.waitFor(20, TimeUnit.SECONDS)) {
      agent.destroyForcibly();
      agent.waitFor(5, TimeUnit.SECONDS);
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
    agent = null;
  }

  private JsonNode awaitReady(String name) {
    return awaitValue(name + " Running and Ready", () -> {
      JsonNode p = getPod(name);
      return p != null && "Running".equals(p.at("/status/phase").asText()) && "True".equals(Json.condition(p, "Ready"))
          ? p : null;
    });
  }

  private JsonNode getPod(String name) {
    Kubectl.Result result = kubectl.run("-n", "hostmode", "get", "pod", name, "-o", "json");
    return result.exitCode() == 0 ? result.json() : null;
  }

  private static String netns(JsonNode pod) {
    return "gp-" + pod.at("/metadata/uid").asText().replace("-", "").substring(0, 12);
  }

  private static long pid(JsonNode pod) {
    return Long.parseLong(pod.at("/status/containerStatuses/0/containerID").asText().substring("gantry://".length()));
  }

  private int bridgePorts() {
    try (var ports = Files.list(Path.of("/sys/class/net", bridge, "brif"))) {
      return (int) ports.count();
    } catch (IOException e) {
      return -1;
    }
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Runs a host command to completion (within 30 s); fails with its output when it fails. */
  private static String sh(String... argv) {
    return HostCommand.run(argv).assertOk().output();
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return "0".equals(line.substring(4).strip().split("\\s+")[1]);
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }


  private void await(String what, Supplier<Boolean> condition) {
    awaitValue(what, () -> condition.get() ? Boolean.TRUE : null);
  }

  private <T> T awaitValue(String what, Supplier<T> value) {
    return Poll.value(what, WAIT, Duration.ofMillis(250), value, () -> {
      try {
        return kubectl.run("-n", "hostmode", "get", "pods", "-o", "wide").stdout() + "\nnetns: "
            + sh(IP, "netns", "list") + "\nagent log:\n" + agentLog();
      } catch (RuntimeException | AssertionError e) {
        return e.toString();
      }
    });
  }

  private String agentLog() {
    try {
      String text = Files.readString(nodeDir.resolve("node-" + agentStarts + ".log"));
      return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    } catch (IOException e) {
      return e.toString();
    }
  }
}
