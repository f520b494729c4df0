package io.gantry.control.server.allocation;

import io.gantry.control.server.ControlConfig;
import io.gantry.control.server.registry.WritePlugin;
import io.gantry.control.server.store.Store;
import java.util.List;
import java.util.Objects;

/**
 * The cluster's allocators, built from {@link ControlConfig}; hand {@link #plugins()} to the
 * {@code ObjectRegistry} so that every Service and Node write reserves what it needs.
 *
 * @param clusterIps    Service ClusterIPs from {@code serviceCidr}
 * @param nodePorts     Service node ports from {@code nodePortMin..nodePortMax}
 * @param loadBalancers LoadBalancer addresses from {@code loadBalancerPool}
 * @param podCidrs      Node pod CIDRs from {@code podCidr} in {@code /nodeCidrMaskSize} blocks
 */
public record Allocators(ClusterIpAllocator clusterIps, NodePortAllocator nodePorts,
    LoadBalancerIpAllocator loadBalancers, PodCidrAllocator podCidrs) {

  public Allocators {
    Objects.requireNonNull(clusterIps, "clusterIps");
    Objects.requireNonNull(nodePorts, "nodePorts");
    Objects.requireNonNull(loadBalancers, "loadBalancers");
    Objects.requireNonNull(podCidrs, "podCidrs");
  }

  /**
   * @throws IllegalArgumentException when a CIDR in the configuration is malformed, not IPv4 or not
   *                                  a network address
   */
  public static Allocators create(Store store, ControlConfig config) {
    return new Allocators(
        new ClusterIpAllocator(store, parse("serviceCidr", config.serviceCidr())),
        new NodePortAllocator(store, config.nodePortMin(), config.nodePortMax()),
        new LoadBalancerIpAllocator(store, parse("loadBalancerPool", config.loadBalancerPool())),
        new PodCidrAllocator(store, parse("podCidr", config.podCidr()), config.nodeCidrMaskSize()));
  }

  private static Ipv4Cidr parse(String setting, String cidr) {
    try {
      return Ipv4Cidr.parse(cidr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
    }
  }

  /** The registry's write plugins, in the order they run. */
  public List<WritePlugin> plugins() {
    return List.of(clusterIps, nodePorts, loadBalancers, podCidrs);
  }

  /** The {@code kubernetes} Service's address: the first address of the service CIDR, as kube-apiserver picks it. */
  public String kubernetesServiceIp() {
    return clusterIps.pool().label(0);
  }
}
