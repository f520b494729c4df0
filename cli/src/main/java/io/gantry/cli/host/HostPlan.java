package io.gantry.cli.host;

/**
 * The addresses and names of a host-mode local cluster: an underlay bridge on the host with the
 * gateway address, where the control component listens, and one network namespace per node with
 * a veth on that bridge. Node {@code i} (1-based) is {@code node-i} at {@code 10.240.0.(10+i)}.
 *
 * <p>Pods get addresses from {@link #POD_CIDR} (a /24 per node, allocated by the control
 * component), Services from {@link #SERVICE_CIDR}, LoadBalancers from {@link #LOAD_BALANCER_POOL};
 * the host routes the last two to node-1, so a shell on the host reaches them too.
 */
public record HostPlan(int nodes) {
  public static final String BRIDGE = "gantry-ul0";
  public static final String GATEWAY = "10.240.0.1";
  public static final String UNDERLAY_PREFIX = "10.240.0.";
  public static final int UNDERLAY_BITS = 24;
  public static final String POD_CIDR = "10.244.0.0/16";
  public static final String SERVICE_CIDR = "10.96.0.0/16";
  public static final String LOAD_BALANCER_POOL = "10.97.0.0/24";
  public static final String CLUSTER_DNS = "10.96.0.10";
  public static final String NODE_NAMESPACE_PREFIX = "gantry-node-";

  public HostPlan {
    if (nodes < 1 || nodes > 200) {
      throw new IllegalArgumentException("nodes: " + nodes + " (expected: 1-200 in host mode)");
    }
  }

  public static String nodeName(int i) {
    return "node-" + i;
  }

  public static String nodeAddress(int i) {
    return UNDERLAY_PREFIX + (10 + i);
  }

  static String namespace(int i) {
    return NODE_NAMESPACE_PREFIX + i;
  }

  /** The host end of node {@code i}'s veth; the node's end is {@code eth0}. */
  static String hostVeth(int i) {
    return "gantry-n" + i; // HostNetwork removes a killed run's links by this prefix
  }
}
