package io.gantry.node.network;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of host network mode.
 *
 * @param cniBin        the directory holding the {@code gantry-cni} launcher (also the plugin's CNI_PATH)
 * @param bridge        the node bridge the plugin attaches pods to; one bridge per agent, because the
 *                      plugin's garbage collection removes the bridge's veths of pods it was not told about
 * @param clusterDns    the nameserver written into pods' resolv.conf (the DNS Service's ClusterIP)
 * @param clusterDomain the cluster's DNS domain, for the search path
 * @param netnsMountNamespace null, or a mount namespace file (e.g. {@code /proc/PID/ns/mnt}) in which pod
 *                      namespaces are added and deleted: an agent that runs under {@code ip netns exec} has a
 *                      private mount namespace, where {@code ip netns add} would mount the pod's namespace out
 *                      of sight of the rest of the machine (and of the agent's own next run)
 */
public record HostNetworkConfig(Path cniBin, String bridge, String clusterDns, String clusterDomain,
    Path netnsMountNamespace) {

  /** The plugin's launcher in {@link #cniBin}. */
  public static final String PLUGIN = "gantry-cni";

  public HostNetworkConfig(Path cniBin, String bridge, String clusterDns, String clusterDomain) {
    this(cniBin, bridge, clusterDns, clusterDomain, null);
  }

  public HostNetworkConfig {
    requireNonNull(cniBin, "cniBin");
    requireNonNull(bridge, "bridge");
    requireNonNull(clusterDns, "clusterDns");
    requireNonNull(clusterDomain, "clusterDomain");
    if (!bridge.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,14}")) {
      throw new IllegalArgumentException("bridge: " + bridge
          + " (expected: an interface name of 1-15 letters, digits, '_', '.' or '-')");
    }
    if (!clusterDns.matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}")) {
      throw new IllegalArgumentException("clusterDns: " + clusterDns + " (expected: an IPv4 address)");
    }
    if (!clusterDomain.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*")) {
      throw new IllegalArgumentException("clusterDomain: " + clusterDomain + " (expected: a DNS name such as "
          + "cluster.local)");
    }
  }

  public Path plugin() {
    return cniBin.resolve(PLUGIN);
  }

  /**
   * What keeps host mode from working on this machine, one sentence each; empty when nothing does:
   * the agent must run as root with iproute2's {@code ip} and util-linux's {@code nsenter}, and find
   * the plugin.
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!HostCommand.isRoot()) {
      problems.add("host network mode needs root (it creates network namespaces and links); run as root "
          + "or use --network loopback");
    }
    if (HostCommand.find("ip") == null) {
      problems.add("host network mode needs iproute2's ip in " + HostCommand.DIRS + " (install iproute2)");
    }
    if (HostCommand.find("nsenter") == null) {
      problems.add("the CNI plugin needs util-linux's nsenter in " + HostCommand.DIRS + " (install util-linux)");
    }
    if (netnsMountNamespace != null && !Files.exists(netnsMountNamespace)) {
      problems.add("--netns-mount-namespace: " + netnsMountNamespace + " does not exist (expected: a mount "
          + "namespace file such as /proc/PID/ns/mnt of a running process)");
    }
    if (!Files.isExecutable(plugin())) {
      problems.add("--cni-bin: " + cniBin + " has no executable " + PLUGIN
          + " (build it with ./mvnw -pl cni-plugin -am package, or pass the directory it was installed to)");
    }
    return problems;
  }
}
