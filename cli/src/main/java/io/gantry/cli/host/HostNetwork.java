package io.gantry.cli.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the network of a {@link HostPlan}: the underlay bridge, a namespace per node wired to
 * it with forwarding on, and the host's routes to Services and LoadBalancers via node-1. Closing
 * removes all of it (deleting a namespace takes its links and their routes with it).
 */
public final class HostNetwork implements AutoCloseable {
  private static final Path SYS_NET = Path.of("/sys/class/net");
  private static final String HOST_VETH_PREFIX = "gantry-n";
  private static final Duration LEFTOVER_WAIT = Duration.ofSeconds(15);
  private final HostPlan plan;

  private HostNetwork(HostPlan plan) {
    this.plan = plan;
  }

  /** Builds the plan's network after removing what a previous run that was killed left behind. */
  public static HostNetwork create(HostPlan plan) throws IOException {
    removeLeftovers();
    HostNetwork network = new HostNetwork(plan);
    try {
      network.build();
    } catch (IOException | RuntimeException e) {
      network.close();
      throw e;
    }
    return network;
  }

  public HostPlan plan() {
    return plan;
  }

  private void build() throws IOException {
    Ip.batch(null, List.of(
        "link add " + HostPlan.BRIDGE + " type bridge",
        "addr add " + HostPlan.GATEWAY + "/" + HostPlan.UNDERLAY_BITS + " dev " + HostPlan.BRIDGE,
        "link set " + HostPlan.BRIDGE + " up"));
    for (int i = 1; i <= plan.nodes(); i++) {
      String netns = HostPlan.namespace(i);
      Ip.run("netns", "add", netns);
      Ip.batch(null, List.of(
          "link add " + HostPlan.hostVeth(i) + " type veth peer name eth0 netns " + netns,
          "link set " + HostPlan.hostVeth(i) + " master " + HostPlan.BRIDGE + " up"));
      Ip.batch(netns, List.of(
          "link set lo up",
          "addr add " + HostPlan.nodeAddress(i) + "/" + HostPlan.UNDERLAY_BITS + " dev eth0",
          "link set eth0 up",
          "route add default via " + HostPlan.GATEWAY));
      // a fresh namespace starts with forwarding off; the node routes between its pods and the underlay
      Ip.inNamespace(netns, "echo 1 > /proc/sys/net/ipv4/ip_forward");
    }
    Ip.batch(null, List.of(
        "route replace " + HostPlan.SERVICE_CIDR + " via " + HostPlan.nodeAddress(1),
        "route replace " + HostPlan.LOAD_BALANCER_POOL + " via " + HostPlan.nodeAddress(1)));
  }

  /**
   * What a run that was killed left: its node daemons (they stop by themselves when {@code gantry up}
   * dies, which takes them a few seconds; what is still running after that is stopped), the node
   * namespaces, their host-side veths and the bridge. The veths are deleted explicitly and waited for:
   * the kernel tears a deleted namespace down asynchronously, and the next run's veth of the same name
   * would fail with "File exists" in the meantime.
   */
  private static void removeLeftovers() throws IOException {
    List<String> namespaces = nodeNamespaces();
    stopProcessesIn(namespaces);
    for (String netns : namespaces) {
      Ip.quietly("netns", "del", netns);
    }
    List<Path> links = new ArrayList<>();
    try (var all = Files.list(SYS_NET)) {
      for (Path link : all.toList()) {
        String name = link.getFileName().toString();
        if (name.startsWith(HOST_VETH_PREFIX) || name.equals(HostPlan.BRIDGE)) {
          Ip.quietly("link", "del", name);
          links.add(link);
        }
      }
    }
    long deadline = System.nanoTime() + LEFTOVER_WAIT.toNanos();
    for (Path link : links) {
      while (Files.exists(link) && System.nanoTime() < deadline) {
        sleep(50);
      }
    }
  }

  /** SIGTERM, then after {@link #LEFTOVER_WAIT} SIGKILL, to what still runs in the old node namespaces. */
  private static void stopProcessesIn(List<String> namespaces) throws IOException {
    List<ProcessHandle> running = new ArrayList<>();
    for (String netns : namespaces) {
      for (String pid : Ip.run("netns", "pids", netns).split("\\s+")) {
        if (!pid.isEmpty()) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(running::add);
        }
      }
    }
    if (running.isEmpty()) {
      return;
    }
    System.err.println("stopping " + running.size() + " processes a previous gantry up left in its node namespaces");
    running.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + LEFTOVER_WAIT.toNanos();
    for (ProcessHandle process : running) {
      while (process.isAlive() && System.nanoTime() < deadline) {
        sleep(100);
      }
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while removing a previous run's network", e);
    }
  }

  private static List<String> nodeNamespaces() throws IOException {
    List<String> found = new ArrayList<>();
    for (String line : Ip.run("netns", "list").split("\n")) {
      String name = line.strip().split("\\s+", 2)[0];
      if (name.startsWith(HostPlan.NODE_NAMESPACE_PREFIX)) {
        found.add(name);
      }
    }
    return found;
  }

  @Override
  public void close() {
    for (int i = 1; i <= plan.nodes(); i++) {
      Ip.quietly("netns", "del", HostPlan.namespace(i));
    }
    Ip.quietly("link", "del", HostPlan.BRIDGE);
  }
}
