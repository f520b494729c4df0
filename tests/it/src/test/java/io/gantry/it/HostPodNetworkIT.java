package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.node.network.HostNetworkConfig;
import io.gantry.node.network.HostPodNetwork;
import io.gantry.node.network.PodDns;
import io.gantry.node.network.PodEtcHosts;
import io.gantry.node.network.PodNetwork;
import io.gantry.testing.HostCommand;
import io.gantry.testing.NodeResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent's host-mode pod network against the real {@code gantry-cni} and iproute2, without
 * a cluster: concurrent set-ups get distinct addresses, a repeated set-up keeps its address,
 * tear-down is idempotent and leaves nothing, garbage collection removes only what this agent
 * recorded, and a plugin failure is reported with the plugin's message. Needs root; addresses in
 * 10.201.250.0/24 on a bridge of its own.
 */
class HostPodNetworkIT {

  private static final String IP = "/usr/sbin/ip";
  private static final String CIDR = "10.201.250.0/24";

  @TempDir
  Path data;

  private final String suffix = "%06x".formatted(ThreadLocalRandom.current().nextInt(1 << 24));
  private final String bridge = "ghp" + suffix;
  private final List<String> uids = new ArrayList<>();
  private final List<String> extraNetns = new ArrayList<>();
  private HostPodNetwork network;

  @BeforeEach
  void create() throws IOException {
    Path bin = Path.of(System.getProperty("gantry.root", "../.."), "cni-plugin", "target", "bin").toAbsolutePath()
        .normalize();
    HostNetworkConfig config = new HostNetworkConfig(bin, bridge, "10.211.0.10", "cluster.local");
    Assumptions.assumeTrue(config.problems().stream().noneMatch(p -> p.contains("needs root")),
        "host network mode needs root");
    assertEquals(List.of(), config.problems(), "the plugin is built by the reactor (cni-plugin)");
    network = new HostPodNetwork(config, data);
    network.setCidr(CIDR);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (network == null) {
      return;
    }
    try {
      network.collectGarbage(Set.of());
    } finally {
      for (String uid : uids) {
        String name = HostPodNetwork.netnsName(uid);
        if (Files.exists(Path.of("/var/run/netns", name))) {
          run(IP, "netns", "del", name);
        }
      }
      for (String name : extraNetns) {
        if (Files.exists(Path.of("/var/run/netns", name))) {
          run(IP, "netns", "del", name);
        }
      }
      if (Files.exists(Path.of("/sys/class/net", bridge))) {
        run(IP, "link", "del", bridge);
      }
    }
  }

  @Test
  void concurrentSetUpsGetDistinctAddressesAndTearDownLeavesNothing() throws Exception {
    int pods = 6;
    List<PodNetwork.Pod> list = new ArrayList<>();
    for (int i = 0; i < pods; i++) {
      list.add(pod("default"));
    }
    List<String> ips = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> futures = new ArrayList<>();
      for (PodNetwork.Pod pod : list) {
        futures.add(pool.submit((Callable<String>) () -> network.setUp(pod)));
      }
      for (Future<String> future : futures) {
        ips.add(future.get(120, TimeUnit.SECONDS));
      }
    }
    assertEquals(pods, new HashSet<>(ips).size(), "distinct addresses: " + ips);
    for (int i = 0; i < pods; i++) {
      String ip = ips.get(i);
      String name = HostPodNetwork.netnsName(list.get(i).uid());
      assertTrue(ip.startsWith("10.201.250."), ip);
      assertTrue(run(IP, "-n", name, "-4", "-o", "addr", "show", "dev", "eth0").contains("inet " + ip + "/24"));
      assertTrue(run(IP, "-n", name, "route", "show", "default").contains("via 10.201.250.1"));
    }
    assertEquals(pods, ports());
    // pod to pod over the bridge, with the commands run as the agent runs them
    List<String> serve = new ArrayList<>(network.commandPrefix(list.get(1).uid()));
    serve.addAll(List.of("/usr/bin/python3", "-m", "http.server", "--bind", ips.get(1), "8000"));
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "the pod-to-pod check serves with python3");
    Process server = new ProcessBuilder(serve).redirectErrorStream(true).redirectOutput(data.resolve("http.log").toFile())
        .start();
    try {
      List<String> curl = new ArrayList<>(network.commandPrefix(list.get(0).uid()));
      curl.addAll(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{local_ip}", "--retry", "20",
          "--retry-connrefused", "--retry-delay", "1", "-m", "5", "http://" + ips.get(1) + ":8000/"));
      String answer;
      try {
        answer = run(curl.toArray(String[]::new));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nserver: " + Files.readString(data.resolve("http.log")), e);
      }
      assertEquals("200 " + ips.get(0), answer);
    } finally {
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
    }

    // a repeated set-up (an agent restart) keeps the address
    assertEquals(ips.get(0), network.setUp(list.get(0)));
    assertEquals(pods, ports());

    for (PodNetwork.Pod pod : list) {
      network.tearDown(pod.uid());
      network.tearDown(pod.uid()); // idempotent
      String name = HostPodNetwork.netnsName(pod.uid());
      assertFalse(Files.exists(Path.of("/var/run/netns", name)), name);
      assertFalse(Files.exists(Path.of("/etc/netns", name)), name);
      assertFalse(Files.exists(data.resolve("netns").resolve(name)), name);
    }
    assertEquals(0, ports());
    try (var left = Files.list(data.resolve("cni").resolve("gantry"))) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("10.")).toList());
    }
  }

  @Test
  void garbageCollectionRemovesOnlyWhatThisAgentRecordedAndDoesNotKeep() throws Exception {
    PodNetwork.Pod kept = pod("a");
    PodNetwork.Pod gone = pod("b");
    String keptIp = network.setUp(kept);
    String goneIp = network.setUp(gone);
    String foreign = "gp-f1" + suffix + "0000";
    extraNetns.add(foreign);
    run(IP, "netns", "add", foreign);
    assertEquals("nameserver 10.211.0.10\nsearch a.svc.cluster.local svc.cluster.local cluster.local"
        + NodeResolver.searchSuffix() + "\noptions ndots:5\n",
        Files.readString(Path.of("/etc/netns", HostPodNetwork.netnsName(kept.uid()),
        "resolv.conf"), StandardCharsets.UTF_8));

    network.collectGarbage(Set.of(kept.uid()));

    assertTrue(Files.exists(Path.of("/var/run/netns", HostPodNetwork.netnsName(kept.uid()))));
    assertFalse(Files.exists(Path.of("/var/run/netns", HostPodNetwork.netnsName(gone.uid()))));
    assertTrue(Files.exists(Path.of("/var/run/netns", foreign)), "a namespace without a record stays");
    assertTrue(Files.exists(data.resolve("cni/gantry").resolve(keptIp)));
    assertFalse(Files.exists(data.resolve("cni/gantry").resolve(goneIp)));
    assertEquals(1, ports());
  }

  @Test
  void aPluginFailureIsReportedWithThePluginsMessage() throws Exception {
    // a link that is not a bridge under the bridge's name: the plugin refuses it (code 7)
    run(IP, "link", "add", bridge, "type", "veth", "peer", "name", "ghq" + suffix);
    PodNetwork.Pod pod = pod("default");
    IOException e = assertThrows(IOException.class, () -> network.setUp(pod));
    assertTrue(e.getMessage().contains("gantry-cni ADD failed (code 7)")
        && e.getMessage().contains(bridge + " exists and is not a bridge"), e.getMessage());
    assertEquals(e.getMessage().indexOf("is not a bridge"), e.getMessage().lastIndexOf("is not a bridge"),
        "details that only repeat the message are not appended: " + e.getMessage());
    try (var left = Files.list(data.resolve("cni").resolve("gantry"))) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("10.")).toList(),
          "the failed ADD released its address");
    }
    network.tearDown(pod.uid());
    assertFalse(Files.exists(Path.of("/var/run/netns", HostPodNetwork.netnsName(pod.uid()))));
  }

  private PodNetwork.Pod pod(String namespace) {
    String uid = UUID.randomUUID().toString();
    uids.add(uid);
    String name = "pod-" + uids.size();
    return new PodNetwork.Pod(uid, namespace, name, PodDns.CLUSTER_FIRST, new PodEtcHosts(name, "", List.of()));
  }

  private int ports() throws IOException {
    Path brif = Path.of("/sys/class/net", bridge, "brif");
    if (!Files.isDirectory(brif)) {
      return 0;
    }
    try (var ports = Files.list(brif)) {
      return (int) ports.count();
    }
  }

  private static String run(String... argv) {
    return HostCommand.run(argv).assertOk().output();
  }
}
