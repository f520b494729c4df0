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
 */
public record HostNetworkConfig(Path cniBin, String bridge, String clusterDns, String clusterDomain) {

  /** The plugin's launcher in {@link #cniBin}. */
  public static final String PLUGIN = "gantry-cni";

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
    if (!Files.isExecutable(plugin())) {
      problems.add("--cni-bin: " + cniBin + " has no executable " + PLUGIN
          + " (build it with ./mvnw -pl cni-plugin -am package, or pass the directory it was installed to)");
    }
    return problems;
  }
}
