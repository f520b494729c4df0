package io.gantry.cli;

import io.gantry.control.server.ControlConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options every command that runs the control component shares. */
final class ControlOptions {
  static final String LOOPBACK_API_HOST = "127.0.0.1";
  static final String LOOPBACK_SERVICE_CIDR = "127.96.0.0/16";
  static final String LOOPBACK_POD_CIDR = "127.244.0.0/16";
  static final String LOOPBACK_LOAD_BALANCER_POOL = "127.240.0.0/24";


  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the store, certificates, token and kubeconfig live (default: ~/.gantry).")
  Path dataDir;

  @Option(names = "--api-address", paramLabel = "HOST", defaultValue = LOOPBACK_API_HOST,
      description = "Address the API listens on (default: ${DEFAULT-VALUE}).")
  String apiHost;

  @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "6443",
      description = "Port the API listens on (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(names = "--insecure-http",
      description = "Serve the API over plain HTTP without authentication checks by TLS. For debugging only.")
  boolean insecureHttp;

  @Option(names = "--data-plane-port", paramLabel = "PORT", defaultValue = "6444",
      description = "Port of the DataPlane gRPC stream, on the API address (default: ${DEFAULT-VALUE}).")
  int dataPlanePort;

  @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "6445",
      description = "Port of /metrics, /healthz and /readyz, on the API address (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--service-cidr", paramLabel = "CIDR", defaultValue = LOOPBACK_SERVICE_CIDR,
      description = "ClusterIPs come from here (default: ${DEFAULT-VALUE}).")
  String serviceCidr;

  @Option(names = "--pod-cidr", paramLabel = "CIDR", defaultValue = LOOPBACK_POD_CIDR,
      description = "Each node gets a /24 pod CIDR from here (default: ${DEFAULT-VALUE}).")
  String podCidr;

  @Option(names = "--node-port-range", paramLabel = "MIN-MAX", defaultValue = "30000-32767",
      description = "NodePorts come from here (default: ${DEFAULT-VALUE}).")
  String nodePortRange;

  @Option(names = "--load-balancer-pool", paramLabel = "CIDR", defaultValue = LOOPBACK_LOAD_BALANCER_POOL,
      description = "LoadBalancer addresses come from here (default: ${DEFAULT-VALUE}).")
  String loadBalancerPool;

  @Option(names = "--node-monitor-grace-period", paramLabel = "DURATION", defaultValue = "PT40S",
      description = "A node whose heartbeat is older than this goes NotReady (default: ${DEFAULT-VALUE}).")
  Duration nodeMonitorGracePeriod;

  @Option(names = "--pod-eviction-timeout", paramLabel = "DURATION", defaultValue = "PT300S",
      description = "Pods of a NotReady node are deleted after this (default: ${DEFAULT-VALUE}).")
  Duration podEvictionTimeout;

  @Option(names = "--watch-history", paramLabel = "DURATION", defaultValue = "PT5M",
      description = "How far back watches can resume (default: ${DEFAULT-VALUE}).")
  Duration watchHistory;

  ControlConfig toConfig() {
    Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".gantry");
    Duration interval = watchHistory.compareTo(Duration.ofMinutes(5)) >= 0
        ? Duration.ofMinutes(1)
        : watchHistory.dividedBy(5).isZero() ? Duration.ofSeconds(1) : watchHistory.dividedBy(5);
    int ticks = (int) Math.max(1, watchHistory.toMillis() / interval.toMillis());
    String[] range = nodePortRange.split("-", 2);
    if (range.length != 2) {
      throw new IllegalArgumentException("--node-port-range: " + nodePortRange + " (expected: MIN-MAX)");
    }
    return ControlConfig.builder(dir.toAbsolutePath())
        .apiAddress(new InetSocketAddress(apiHost, apiPort))
        .dataPlaneAddress(new InetSocketAddress(apiHost, dataPlanePort))
        .adminAddress(new InetSocketAddress(apiHost, adminPort))
        .insecureHttp(insecureHttp)
        .serviceCidr(serviceCidr)
        .podCidr(podCidr)
        .nodePortRange(Integer.parseInt(range[0].trim()), Integer.parseInt(range[1].trim()))
        .loadBalancerPool(loadBalancerPool)
        .nodeMonitorGracePeriod(nodeMonitorGracePeriod)
        .podEvictionTimeout(podEvictionTimeout)
        .compaction(interval, ticks)
        .build();
  }
}
