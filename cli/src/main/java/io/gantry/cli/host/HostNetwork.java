package io.gantry.cli.host;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the network of a {@link HostPlan}: the underlay bridge, a namespace per node wired to
 * it with forwarding on, and the host's routes to Services and LoadBalancers via node-1. Closing
 * removes all of it (deleting a namespace takes its links and their routes with it).
 */
public final class HostNetwork implements AutoCloseable {
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

  private static void removeLeftovers() throws IOException {
    for (String netns : nodeNamespaces()) {
      Ip.quietly("netns", "del", netns);
    }
    Ip.quietly("link", "del", HostPlan.BRIDGE);
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
