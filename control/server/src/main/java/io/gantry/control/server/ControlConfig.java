package io.gantry.control.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run the control component. Build one with {@link #builder(Path)}; defaults are the
 * loopback-mode addresses of DESIGN.md.
 *
 * @param dataDir                   where the store, certificates and token live
 * @param apiAddress                where the Kubernetes API listens (default 127.0.0.1:6443)
 * @param dataPlaneAddress          where the DataPlane gRPC stream listens (default 127.0.0.1:6444)
 * @param adminAddress              where {@code /metrics}, {@code /healthz}, {@code /readyz} listen (default 127.0.0.1:6445)
 * @param insecureHttp              serve the API over plain HTTP (debugging only)
 * @param serviceCidr               ClusterIPs come from here (default 127.96.0.0/16)
 * @param podCidr                   node pod CIDRs come from here (default 127.244.0.0/16)
 * @param nodeCidrMaskSize          the prefix length of each node's pod CIDR (default 24)
 * @param nodePortMin               lowest NodePort (default 30000)
 * @param nodePortMax               highest NodePort (default 32767)
 * @param loadBalancerPool          LoadBalancer addresses come from here, MetalLB-style (default 127.240.0.0/24)
 * @param nodeMonitorGracePeriod    a node whose Lease is older than this goes NotReady (default 40 s)
 * @param podEvictionTimeout        pods of a NotReady node are deleted after this (default 300 s)
 * @param namespaceTerminationDelay how long a Terminating namespace keeps its contents
 * @param compactionInterval        how often the store's watch history is compacted
 * @param historyRetentionIntervals how many compaction intervals of history watches can resume from
 */
public record ControlConfig(Path dataDir, InetSocketAddress apiAddress, InetSocketAddress dataPlaneAddress,
    InetSocketAddress adminAddress, boolean insecureHttp, String serviceCidr, String podCidr, int nodeCidrMaskSize,
    int nodePortMin, int nodePortMax, String loadBalancerPool, Duration nodeMonitorGracePeriod,
    Duration podEvictionTimeout, Duration namespaceTerminationDelay, Duration compactionInterval,
    int historyRetentionIntervals) {

  public static final int DEFAULT_API_PORT = 6443;
  public static final int DEFAULT_DATA_PLANE_PORT = 6444;
  public static final int DEFAULT_ADMIN_PORT = 6445;

  public ControlConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(apiAddress, "apiAddress");
    Objects.requireNonNull(dataPlaneAddress, "dataPlaneAddress");
    Objects.requireNonNull(adminAddress, "adminAddress");
    Objects.requireNonNull(serviceCidr, "serviceCidr");
    Objects.requireNonNull(podCidr, "podCidr");
    Objects.requireNonNull(loadBalancerPool, "loadBalancerPool");
    Objects.requireNonNull(nodeMonitorGracePeriod, "nodeMonitorGracePeriod");
    Objects.requireNonNull(podEvictionTimeout, "podEvictionTimeout");
    Objects.requireNonNull(namespaceTerminationDelay, "namespaceTerminationDelay");
    Objects.requireNonNull(compactionInterval, "compactionInterval");
    if (nodePortMin < 1 || nodePortMax > 65535 || nodePortMin > nodePortMax) {
      throw new IllegalArgumentException("node port range: " + nodePortMin + "-" + nodePortMax
          + " (expected: 1 <= min <= max <= 65535)");
    }
    if (nodeCidrMaskSize < 1 || nodeCidrMaskSize > 32) {
      throw new IllegalArgumentException("nodeCidrMaskSize: " + nodeCidrMaskSize + " (expected: 1-32)");
    }
    if (historyRetentionIntervals < 1) {
      throw new IllegalArgumentException("historyRetentionIntervals: " + historyRetentionIntervals
          + " (expected: >= 1)");
    }
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  public Builder toBuilder() {
    Builder b = new Builder(dataDir);
    b.apiAddress = apiAddress;
    b.dataPlaneAddress = dataPlaneAddress;
    b.adminAddress = adminAddress;
    b.insecureHttp = insecureHttp;
    b.serviceCidr = serviceCidr;
    b.podCidr = podCidr;
    b.nodeCidrMaskSize = nodeCidrMaskSize;
    b.nodePortMin = nodePortMin;
    b.nodePortMax = nodePortMax;
    b.loadBalancerPool = loadBalancerPool;
    b.nodeMonitorGracePeriod = nodeMonitorGracePeriod;
    b.podEvictionTimeout = podEvictionTimeout;
    b.namespaceTerminationDelay = namespaceTerminationDelay;
    b.compactionInterval = compactionInterval;
    b.historyRetentionIntervals = historyRetentionIntervals;
    return b;
  }

  /** Collects settings; {@link #build} validates them together. */
  public static final class Builder {
    private final Path dataDir;
    private InetSocketAddress apiAddress = new InetSocketAddress("127.0.0.1", DEFAULT_API_PORT);
    private InetSocketAddress dataPlaneAddress = new InetSocketAddress("127.0.0.1", DEFAULT_DATA_PLANE_PORT);
    private InetSocketAddress adminAddress = new InetSocketAddress("127.0.0.1", DEFAULT_ADMIN_PORT);
    private boolean insecureHttp;
    private String serviceCidr = "127.96.0.0/16";
    private String podCidr = "127.244.0.0/16";
    private int nodeCidrMaskSize = 24;
    private int nodePortMin = 30000;
    private int nodePortMax = 32767;
    private String loadBalancerPool = "127.240.0.0/24";
    private Duration nodeMonitorGracePeriod = Duration.ofSeconds(40);
    private Duration podEvictionTimeout = Duration.ofSeconds(300);
    private Duration namespaceTerminationDelay = Duration.ofSeconds(3);
    private Duration compactionInterval = Duration.ofMinutes(1);
    private int historyRetentionIntervals = 5;

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    public Builder apiAddress(InetSocketAddress value) { this.apiAddress = value; return this; }
    public Builder dataPlaneAddress(InetSocketAddress value) { this.dataPlaneAddress = value; return this; }
    public Builder adminAddress(InetSocketAddress value) { this.adminAddress = value; return this; }
    public Builder insecureHttp(boolean value) { this.insecureHttp = value; return this; }
    public Builder serviceCidr(String value) { this.serviceCidr = value; return this; }
    public Builder podCidr(String value) { this.podCidr = value; return this; }
    public Builder nodeCidrMaskSize(int value) { this.nodeCidrMaskSize = value; return this; }
    public Builder nodePortRange(int min, int max) { this.nodePortMin = min; this.nodePortMax = max; return this; }
    public Builder loadBalancerPool(String value) { this.loadBalancerPool = value; return this; }
    public Builder nodeMonitorGracePeriod(Duration value) { this.nodeMonitorGracePeriod = value; return this; }
    public Builder podEvictionTimeout(Duration value) { this.podEvictionTimeout = value; return this; }
    public Builder namespaceTerminationDelay(Duration value) { this.namespaceTerminationDelay = value; return this; }

    public Builder compaction(Duration interval, int retainIntervals) {
      this.compactionInterval = interval;
      this.historyRetentionIntervals = retainIntervals;
      return this;
    }

    public ControlConfig build() {
      return new ControlConfig(dataDir, apiAddress, dataPlaneAddress, adminAddress, insecureHttp, serviceCidr, podCidr,
          nodeCidrMaskSize, nodePortMin, nodePortMax, loadBalancerPool, nodeMonitorGracePeriod, podEvictionTimeout,
          namespaceTerminationDelay, compactionInterval, historyRetentionIntervals);
    }
  }
}
