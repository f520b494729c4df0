package io.gantry.proxy;

import io.gantry.proxy.balance.Balancing;
import io.gantry.proxy.host.DummyInterface;
import io.gantry.proxy.table.Cidr;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one proxy runs.
 *
 * @param nodeName        the node this proxy serves (decides which endpoints are local)
 * @param nodeAddresses   extra addresses of this node to serve NodePorts on (beside its NodeView's); none in host
 *                        mode: the node's own, read at start and followed as they change
 * @param balancing       the default balancing (services may override it by annotation)
 * @param connectTimeout  connect timeout to endpoints
 * @param idleTimeout     TCP connections idle this long are closed
 * @param udpIdleTimeout  UDP flows idle this long are forgotten
 * @param drainTimeout    how long connections to removed endpoints, services or listeners may live on
 * @param maxConnections  the most TCP connections open at once
 * @param maxUdpFlows     the most UDP flows per listener
 * @param threads         event loop threads (0: one per core)
 * @param splice          relay TCP with splice(2) where possible
 * @param clusterAddresses serve ClusterIPs, LoadBalancer IPs and external IPs (false: NodePorts only, for extra
 *                        proxies sharing one network namespace, as {@code gantry up --nodes N} runs them)
 * @param clusterCidr     the pod CIDR: clients in it (or on this node's addresses) reaching a LoadBalancer IP or
 *                        external IP of an {@code externalTrafficPolicy: Local} service use all its endpoints
 * @param serviceInterface host network mode: the dummy interface ClusterIPs, LoadBalancer IPs and external IPs are
 *                        added to before the proxy binds on them; "" for loopback mode (addresses are already local)
 */
public record ProxyConfig(String nodeName, List<InetAddress> nodeAddresses, Balancing balancing,
    Duration connectTimeout, Duration idleTimeout, Duration udpIdleTimeout, Duration drainTimeout,
    int maxConnections, int maxUdpFlows, int threads, boolean splice, boolean clusterAddresses, Cidr clusterCidr,
    String serviceInterface) {

  public ProxyConfig {
    Objects.requireNonNull(nodeName, "nodeName");
    nodeAddresses = List.copyOf(nodeAddresses);
    Objects.requireNonNull(balancing, "balancing");
    Objects.requireNonNull(clusterCidr, "clusterCidr");
    if (!serviceInterface.isEmpty()) {
      DummyInterface.checkName(serviceInterface);
    }
    positive("connectTimeout", connectTimeout);
    positive("idleTimeout", idleTimeout);
    positive("udpIdleTimeout", udpIdleTimeout);
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
    }
    if (maxUdpFlows < 1) {
      throw new IllegalArgumentException("maxUdpFlows: " + maxUdpFlows + " (expected: >= 1)");
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: >= 0)");
    }
  }

  /** The default pod CIDR, {@value}: Gantry's pods live on loopback addresses. */
  public static final String DEFAULT_CLUSTER_CIDR = "127.244.0.0/16";

  /**
   * Defaults: random balancing, 5 s connect, 1 h idle, 60 s UDP idle, 30 s drain, 100 000 connections, cluster
   * CIDR {@value #DEFAULT_CLUSTER_CIDR}.
   */
  public static ProxyConfig defaults(String nodeName) {
    return new ProxyConfig(nodeName, List.of(), Balancing.RANDOM, Duration.ofSeconds(5), Duration.ofHours(1),
        Duration.ofSeconds(60), Duration.ofSeconds(30), 100_000, 65_536, 0, false, true,
        Cidr.parse(DEFAULT_CLUSTER_CIDR), "");
  }

  public ProxyConfig withNodeAddresses(List<InetAddress> value) {
    return new ProxyConfig(nodeName, value, balancing, connectTimeout, idleTimeout, udpIdleTimeout, drainTimeout,
        maxConnections, maxUdpFlows, threads, splice, clusterAddresses, clusterCidr, serviceInterface);
  }

  public ProxyConfig withBalancing(Balancing value) {
    return new ProxyConfig(nodeName, nodeAddresses, value, connectTimeout, idleTimeout, udpIdleTimeout, drainTimeout,
        maxConnections, maxUdpFlows, threads, splice, clusterAddresses, clusterCidr, serviceInterface);
  }

  public ProxyConfig withTimeouts(Duration connect, Duration idle, Duration udpIdle, Duration drain) {
    return new ProxyConfig(nodeName, nodeAddresses, balancing, connect, idle, udpIdle, drain, maxConnections,
        maxUdpFlows, threads, splice, clusterAddresses, clusterCidr, serviceInterface);
  }

  public ProxyConfig withLimits(int connections, int udpFlows, int threadCount) {
    return new ProxyConfig(nodeName, nodeAddresses, balancing, connectTimeout, idleTimeout, udpIdleTimeout,
        drainTimeout, connections, udpFlows, threadCount, splice, clusterAddresses, clusterCidr, serviceInterface);
  }

  public ProxyConfig withSplice(boolean value) {
    return new ProxyConfig(nodeName, nodeAddresses, balancing, connectTimeout, idleTimeout, udpIdleTimeout,
        drainTimeout, maxConnections, maxUdpFlows, threads, value, clusterAddresses, clusterCidr, serviceInterface);
  }

  public ProxyConfig withClusterAddresses(boolean value) {
    return new ProxyConfig(nodeName, nodeAddresses, balancing, connectTimeout, idleTimeout, udpIdleTimeout,
        drainTimeout, maxConnections, maxUdpFlows, threads, splice, value, clusterCidr, serviceInterface);
  }

  public ProxyConfig withClusterCidr(Cidr value) {
    return new ProxyConfig(nodeName, nodeAddresses, balancing, connectTimeout, idleTimeout, udpIdleTimeout,
        drainTimeout, maxConnections, maxUdpFlows, threads, splice, clusterAddresses, value, serviceInterface);
  }

  /** Host network mode with service addresses on the dummy interface {@code name}. */
  public ProxyConfig withHostNetwork(String name) {
    return new ProxyConfig(nodeName, nodeAddresses, balancing, connectTimeout, idleTimeout, udpIdleTimeout,
        drainTimeout, maxConnections, maxUdpFlows, threads, splice, clusterAddresses, clusterCidr,
        DummyInterface.checkName(name));
  }

  /** Whether this proxy runs in host network mode (service addresses on {@link #serviceInterface}). */
  public boolean hostNetwork() {
    return !serviceInterface.isEmpty();
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }
}
