package io.gantry.proxy.table;

import io.gantry.proxy.balance.AffinityTable;
import io.gantry.proxy.balance.Balancing;
import io.gantry.proxy.balance.Picker;
import io.gantry.proxy.balance.Target;
import io.gantry.proxy.metrics.ServiceMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one listening address of one service port leads to: the endpoints to balance over
 * (already filtered with the service's traffic policy for this kind of address), the picker, the
 * affinity table, and the service's metrics. Immutable apart from the picker's position, the
 * affinity table and the counters, which are thread-safe.
 */
public final class ServiceEntry {

  private static final int SCAN_LIMIT = 16;

  private final ServicePortKey key;
  private final Target[] targets;
  private final Set<InetSocketAddress> targetAddresses; // null: scan targets
  private final boolean localPolicy;
  private final boolean hasEndpoints;
  private final Balancing balancing;
  private final Picker picker;
  private final AffinityTable affinity;
  private final ServiceMetrics metrics;
  private final ServiceEntry inClusterEntry;
  /** loadBalancerSourceRanges (LoadBalancer IPs only), or null: every client is admitted. */
  private final Cidr[] sourceRanges;
  /** Sources admitted besides the ranges: the LoadBalancer IPs, when a range holds a node address. */
  private final Set<InetAddress> selfSources;
  /** Every endpoint address of the service as its EndpointSlices write it, whatever its conditions (shared). */
  private final String[] endpointIps;

  /**
   * @param localPolicy    whether a {@code Local} traffic policy filtered {@code targets}
   * @param hasEndpoints   whether the service port has a usable endpoint anywhere in the cluster
   * @param inClusterEntry the entry in-cluster clients use instead, or null
   */
  ServiceEntry(ServicePortKey key, List<Target> targets, boolean localPolicy, boolean hasEndpoints,
      Balancing balancing, Picker picker, AffinityTable affinity, ServiceMetrics metrics,
      ServiceEntry inClusterEntry, String[] endpointIps) {
    this.key = Objects.requireNonNull(key, "key");
    this.targets = targets.toArray(Target[]::new);
    // A set only where a scan would be slow: most services have a handful of endpoints.
    this.targetAddresses = this.targets.length <= SCAN_LIMIT ? null : new HashSet<>();
    if (targetAddresses != null) {
      for (Target t : this.targets) {
        targetAddresses.add(t.address());
      }
    }
    this.localPolicy = localPolicy;
    this.hasEndpoints = hasEndpoints;
    this.balancing = balancing;
    this.picker = picker;
    this.affinity = affinity;
    this.metrics = metrics;
    this.inClusterEntry = inClusterEntry;
    this.sourceRanges = null;
    this.selfSources = Set.of();
    this.endpointIps = endpointIps;
  }

  private ServiceEntry(ServiceEntry base, List<Cidr> sourceRanges, Set<InetAddress> selfSources) {
    this.key = base.key;
    this.targets = base.targets;
    this.targetAddresses = base.targetAddresses;
    this.localPolicy = base.localPolicy;
    this.hasEndpoints = base.hasEndpoints;
    this.balancing = base.balancing;
    this.picker = base.picker;
    this.affinity = base.affinity;
    this.metrics = base.metrics;
    this.inClusterEntry = base.inClusterEntry;
    this.sourceRanges = sourceRanges.toArray(Cidr[]::new);
    this.selfSources = Set.copyOf(selfSources);
    this.endpointIps = base.endpointIps;
  }

  /**
   * This entry for LoadBalancer IPs with {@code loadBalancerSourceRanges}: only clients in a range
   * (or, as kube-proxy allows, the LoadBalancer IPs themselves as sources when a range holds a node
   * address: traffic from the node to its own VIP) are admitted; the others are dropped.
   */
  ServiceEntry restrictedTo(List<Cidr> ranges, Set<InetAddress> lbSources) {
    return new ServiceEntry(this, ranges, lbSources);
  }

  /** Whether {@code client} may use this entry (loadBalancerSourceRanges); decided once per connection or flow. */
  public boolean admits(InetAddress client) {
    Cidr[] ranges = sourceRanges;
    if (ranges == null) {
      return true;
    }
    for (Cidr range : ranges) {
      if (range.contains(client)) {
        return true;
      }
    }
    return selfSources.contains(client);
  }

  /** The source ranges, empty when every client is admitted. */
  public List<Cidr> sourceRanges() {
    return sourceRanges == null ? List.of() : List.of(sourceRanges);
  }

  /**
   * The entry in-cluster clients use instead of this one (all endpoints, {@code Cluster}
   * semantics), or null when they use this one: set for LoadBalancer IPs and external IPs of
   * services with {@code externalTrafficPolicy: Local}.
   */
  public ServiceEntry inClusterEntry() {
    return inClusterEntry;
  }

  public ServicePortKey key() {
    return key;
  }

  /** The endpoints to balance over; empty when the service has none usable from this node. */
  public List<Target> targets() {
    return List.of(targets);
  }

  public boolean hasTargets() {
    return targets.length > 0;
  }

  /** Whether a {@code Local} traffic policy chose this entry's targets (this node's endpoints only). */
  public boolean localPolicy() {
    return localPolicy;
  }

  /**
   * What traffic finds without a target: dropped (true) when a {@code Local} policy left out
   * endpoints that exist on other nodes, as kube-proxy's DROP; refused (false) when the service
   * port has no usable endpoint anywhere, as kube-proxy's REJECT.
   */
  public boolean dropsWithoutTargets() {
    return localPolicy && hasEndpoints && targets.length == 0;
  }

  /** Whether the service port has a usable endpoint anywhere in the cluster (this node or others). */
  public boolean hasEndpoints() {
    return hasEndpoints;
  }

  public Balancing balancing() {
    return balancing;
  }

  public Picker picker() {
    return picker;
  }

  /** The affinity table, or null without {@code sessionAffinity: ClientIP}. */
  public AffinityTable affinity() {
    return affinity;
  }

  public ServiceMetrics metrics() {
    return metrics;
  }

  /** Whether {@code address} is still one of this entry's endpoints. */
  public boolean serves(InetSocketAddress address) {
    if (targetAddresses != null) {
      return targetAddresses.contains(address);
    }
    for (Target t : targets) {
      if (t.address().equals(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code ip} is still an endpoint of the service in any condition (not ready, terminating) and
   * on any port: established TCP connections to it stay, as conntrack keeps kube-proxy's. For the
   * sweep of connections whose target no longer {@link #serves serves} new ones, not the hot path.
   */
  public boolean knowsEndpoint(InetAddress ip) {
    for (String literal : endpointIps) {
      if (ip.equals(ServiceCompiler.ip(literal))) {
        return true;
      }
    }
    return false;
  }

  /** A target for a new connection from {@code client}, or null when there is none. */
  public Target pick(InetAddress client) {
    Target[] current = targets;
    if (current.length == 0) {
      return null;
    }
    return affinity == null ? picker.pick(current) : affinity.pick(client, current, picker);
  }

  /**
   * A target other than those already tried (after a failed connect), or null. Affinity is not
   * consulted: the remembered target just failed.
   */
  public Target pickExcluding(Collection<Target> tried) {
    if (tried.isEmpty()) {
      return targets.length == 0 ? null : picker.pick(targets);
    }
    Target[] rest = Arrays.stream(targets).filter(t -> !tried.contains(t)).toArray(Target[]::new);
    return rest.length == 0 ? null : picker.pick(rest);
  }

  @Override
  public String toString() {
    return key + " -> " + Arrays.toString(targets) + (localPolicy ? " (Local)" : "");
  }
}
