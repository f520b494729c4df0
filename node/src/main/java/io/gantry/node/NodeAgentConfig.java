package io.gantry.node;

import static java.util.Objects.requireNonNull;

import io.gantry.node.network.HostNetworkConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to run one node agent. Build one with {@link #builder}; defaults are Kubernetes' kubelet
 * defaults (lease renewed every 10 s for 40 s, restart back-off 10 s doubling to 5 min).
 *
 * @param nodeName          the Node's name
 * @param nodeAddress       the node's InternalIP (loopback mode: a 127.0.0.0/8 address)
 * @param dataDir           where pod IP allocations, process records and logs live
 * @param heartbeatInterval how often the Lease is renewed and the Node status checked
 * @param leaseDuration     the Lease's {@code leaseDurationSeconds}
 * @param statusReportInterval an unchanged Node status is still re-posted this often
 * @param backoffBase       the first restart back-off delay (Kubernetes: 10 s)
 * @param backoffMax        the back-off cap (Kubernetes: 5 min)
 * @param logMaxBytes       a container log file is rotated at this size
 * @param logMaxFiles       rotated files kept per container (besides the current one)
 * @param serverPort        the port of the agent's own HTTP endpoint (logs); 0 picks a free one
 * @param workloadJvmOptions JVM options for the built-in workload images
 * @param hostNetwork       host network mode's settings; null runs pods in loopback mode
 */
public record NodeAgentConfig(String nodeName, String nodeAddress, Path dataDir, Duration heartbeatInterval,
    int leaseDuration, Duration statusReportInterval, Duration backoffBase, Duration backoffMax, long logMaxBytes,
    int logMaxFiles, int serverPort, List<String> workloadJvmOptions,
    HostNetworkConfig hostNetwork) {

  public NodeAgentConfig {
    requireNonNull(nodeName, "nodeName");
    requireNonNull(nodeAddress, "nodeAddress");
    requireNonNull(dataDir, "dataDir");
    requireNonNull(heartbeatInterval, "heartbeatInterval");
    requireNonNull(statusReportInterval, "statusReportInterval");
    requireNonNull(backoffBase, "backoffBase");
    requireNonNull(backoffMax, "backoffMax");
    workloadJvmOptions = List.copyOf(workloadJvmOptions);
    if (!nodeName.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      throw new IllegalArgumentException("nodeName: " + nodeName + " (expected: a DNS subdomain)");
    }
    try {
      if (!nodeAddress.matches("\\d{1,3}(\\.\\d{1,3}){3}") || InetAddress.getByName(nodeAddress) == null) {
        throw new IllegalArgumentException("nodeAddress: " + nodeAddress + " (expected: an IPv4 address)");
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("nodeAddress: " + nodeAddress + " (expected: an IPv4 address)", e);
    }
    if (leaseDuration < 1) {
      throw new IllegalArgumentException("leaseDuration: " + leaseDuration + " (expected: >= 1)");
    }
    if (backoffBase.isNegative() || backoffMax.compareTo(backoffBase) < 0) {
      throw new IllegalArgumentException("backoff: " + backoffBase + ".." + backoffMax
          + " (expected: 0 <= base <= max)");
    }
    if (serverPort < 0 || serverPort > 65535) {
      throw new IllegalArgumentException("serverPort: " + serverPort + " (expected: 0-65535)");
    }
  }

  public static Builder builder(String nodeName, String nodeAddress, Path dataDir) {
    return new Builder(nodeName, nodeAddress, dataDir);
  }

  /** Collects settings; {@link #build} validates them together. */
  public static final class Builder {
    private final String nodeName;
    private final String nodeAddress;
    private final Path dataDir;
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private int leaseDuration = 40;
    private Duration statusReportInterval = Duration.ofMinutes(5);
    private Duration backoffBase = Duration.ofSeconds(10);
    private Duration backoffMax = Duration.ofMinutes(5);
    private long logMaxBytes = 10L << 20;
    private int logMaxFiles = 2;
    private int serverPort;
    private List<String> workloadJvmOptions = List.of("-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Xss512k", "-XX:CICompilerCount=1");
    private HostNetworkConfig hostNetwork;

    private Builder(String nodeName, String nodeAddress, Path dataDir) {
      this.nodeName = nodeName;
      this.nodeAddress = nodeAddress;
      this.dataDir = dataDir;
    }

    public Builder heartbeatInterval(Duration value) { this.heartbeatInterval = value; return this; }
    public Builder leaseDuration(int seconds) { this.leaseDuration = seconds; return this; }
    public Builder statusReportInterval(Duration value) { this.statusReportInterval = value; return this; }
    public Builder backoff(Duration base, Duration max) { this.backoffBase = base; this.backoffMax = max; return this; }
    public Builder logRotation(long maxBytes, int maxFiles) { this.logMaxBytes = maxBytes; this.logMaxFiles = maxFiles; return this; }
    public Builder serverPort(int value) { this.serverPort = value; return this; }
    public Builder workloadJvmOptions(List<String> value) { this.workloadJvmOptions = value; return this; }
    public Builder hostNetwork(HostNetworkConfig value) { this.hostNetwork = value; return this; }

    public NodeAgentConfig build() {
      return new NodeAgentConfig(nodeName, nodeAddress, dataDir, heartbeatInterval, leaseDuration,
          statusReportInterval, backoffBase, backoffMax, logMaxBytes, logMaxFiles, serverPort, workloadJvmOptions,
          hostNetwork);
    }
  }
}
