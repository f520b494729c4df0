package io.gantry.proxy.table;

import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeAddress;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.control.client.PersistentHashMap;
import io.gantry.proxy.balance.Balancing;
import io.gantry.proxy.balance.EndpointLoad;
import io.gantry.proxy.metrics.ProxyMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Builds {@link RoutingSnapshot}s from views, with kube-proxy's semantics:
 * <ul>
 *   <li>endpoints: the ready ones; when none is ready, the serving-and-terminating ones;</li>
 *   <li>ClusterIPs use {@code internalTrafficPolicy}; NodePorts, LoadBalancer IPs and external IPs
 *       use {@code externalTrafficPolicy}; {@code Local} keeps endpoints on this node only (same
 *       ready-then-terminating fallback among them);</li>
 *   <li>in-cluster clients (pod CIDR or this node) of NodePorts, LoadBalancer IPs and external
 *       IPs of a {@code Local} service get all endpoints ({@link ServiceEntry#inClusterEntry});</li>
 *   <li>a {@code healthCheckNodePort} per {@code externalTrafficPolicy: Local} service, reporting
 *       its local endpoints ({@link HealthCheck});</li>
 *   <li>an endpoint's port for a service port is the EndpointSlice port of the same name (the
 *       EndpointSlice controller has resolved named target ports per pod already);</li>
 *   <li>NodePorts on every address of this node ({@link NodeView} InternalIP/ExternalIP and the
 *       configured extra addresses);</li>
 *   <li>topology: when every ready endpoint of a service port carries zone hints and some are
 *       hinted for this node's zone, Cluster-policy traffic goes to those only (kube-proxy's
 *       PreferSameZone, from {@code trafficDistribution: PreferClose}).</li>
 * </ul>
 * When two services claim one address (or health-check port), the first by namespace/name keeps
 * it and a warning says so.
 *
 * <p>Incremental: the builder keeps the views it was given and each service's compiled
 * {@link ServiceRoutes}. {@link #apply} recompiles only the services a {@link ViewDelta} names
 * and publishes a new snapshot whose maps share every untouched entry with the previous one
 * ({@link PersistentHashMap}), so the cost of a change follows the change, not the cluster.
 * Entries of untouched services are the same objects, so their pickers, affinity tables and
 * counters carry on untouched; a recompiled service keeps its pickers and affinity tables when
 * their settings did not change. A change of this node's addresses or zone recompiles every service.
 * {@link #build} takes a whole configuration and applies the difference to the one it holds.
 *
 * <p>Concurrency: one builder per proxy, called from one thread at a time (the proxy's update
 * context). Settings ({@link #clusterAddresses}, {@link #clusterCidr}) are set before the first build.
 */
public final class RoutingSnapshotBuilder {

  private static final String ZONE_LABEL = "topology.kubernetes.io/zone";

  private final String nodeName;
  private List<InetAddress> extraNodeAddresses;
  private final Balancing defaultBalancing;
  private final EndpointLoad.Registry loads;
  private final ProxyMetrics metrics;
  private final LongSupplier nanoClock;
  private boolean clusterAddresses = true;
  private Cidr clusterCidr;
  private ServiceCompiler compiler;

  private final Map<String, ServiceView> services = new HashMap<>();
  private final Map<String, EndpointView> endpoints = new HashMap<>();
  private final Map<String, ServiceRoutes> routes = new HashMap<>();
  /** Services with session affinity: the ones {@link #sweepAffinity} visits. */
  private final Set<String> withAffinity = new HashSet<>();
  private final Claims<ListenKey, ServiceEntry> listenClaims = new Claims<>();
  private final Claims<Integer, HealthCheck> healthClaims = new Claims<>();
  private final TreeMap<String, List<String>> serviceWarnings = new TreeMap<>();
  private final TreeMap<String, String> conflictWarnings = new TreeMap<>();
  private List<InetAddress> nodeAddresses = List.of();
  private String nodeZone = ""; // this node's topology.kubernetes.io/zone label; "" when none
  private List<NodeView> ownNodeViews = List.of(); // this node's views, from the last change that had nodes
  private boolean extraNodeAddressesChanged;
  private PersistentHashMap<ListenKey, ServiceEntry> entries = PersistentHashMap.empty();
  private PersistentHashMap<Integer, HealthCheck> healthChecks = PersistentHashMap.empty();
  private long version;
  private long compiled;
  private boolean listenersChanged;

  public RoutingSnapshotBuilder(String nodeName, List<InetAddress> extraNodeAddresses, Balancing defaultBalancing,
      EndpointLoad.Registry loads, ProxyMetrics metrics, LongSupplier nanoClock) {
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.extraNodeAddresses = List.copyOf(extraNodeAddresses);
    this.defaultBalancing = Objects.requireNonNull(defaultBalancing, "defaultBalancing");
    this.loads = Objects.requireNonNull(loads, "loads");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.nodeAddresses = this.extraNodeAddresses;
  }

  /** Whether to serve ClusterIPs, LoadBalancer IPs and external IPs (default true; false: NodePorts only). */
  public RoutingSnapshotBuilder clusterAddresses(boolean value) {
    requireUnbuilt("clusterAddresses");
    this.clusterAddresses = value;
    return this;
  }

  /** The pod CIDR: clients in it are in-cluster clients (null: only this node's addresses are). */
  public RoutingSnapshotBuilder clusterCidr(Cidr value) {
    requireUnbuilt("clusterCidr");
    this.clusterCidr = value;
    return this;
  }

  /**
   * Replaces the configured node addresses (host mode follows the node's own as they change); the
   * next {@link #apply} recompiles every service when this node's addresses differ.
   */
  public void extraNodeAddresses(List<InetAddress> addresses) {
    List<InetAddress> copy = List.copyOf(addresses);
    if (!copy.equals(extraNodeAddresses)) {
      extraNodeAddresses = copy;
      extraNodeAddressesChanged = true;
    }
  }

  /**
   * Whether the last {@link #apply} (or {@link #build}) changed which addresses the table listens
   * on: an entry or health-check port came or went, an entry gained or lost its first or last
   * usable endpoint ({@link RoutingSnapshot#listeners}), or this node's addresses changed. When
   * not, the listeners and service addresses of the previous table serve the new one as they are.
   */
  public boolean listenersChanged() {
    return listenersChanged;
  }

  /**
   * Forgets expired session-affinity entries: visits only the services that have affinity, not
   * every entry of the table. Called on the builder's thread.
   */
  public void sweepAffinity() {
    for (String key : withAffinity) {
      for (ServiceRoutes.Claim claim : routes.get(key).claims()) {
        if (claim.entry().affinity() != null) {
          claim.entry().affinity().sweep();
        }
      }
    }
  }

  /** How many service compilations this builder has done: a measure of the work changes cost. */
  public long servicesCompiled() {
    return compiled;
  }

  /**
   * Applies a whole configuration: the difference from the one held now (by {@code equals},
   * which is a reference check for views that did not change).
   *
   * @param services  every service view
   * @param endpoints endpoint views by {@code namespace/service}
   * @param nodes     every node view (only this node's addresses are used)
   */
  public RoutingSnapshot build(Collection<ServiceView> services, Map<String, EndpointView> endpoints,
      Collection<NodeView> nodes) {
    Map<String, ServiceView> upserts = new HashMap<>();
    for (ServiceView service : services) {
      String key = service.getNamespace() + "/" + service.getName();
      if (!service.equals(this.services.get(key))) {
        upserts.put(key, service);
      }
    }
    Set<String> removed = new HashSet<>(this.services.keySet());
    for (ServiceView service : services) {
      removed.remove(service.getNamespace() + "/" + service.getName());
    }
    Map<String, EndpointView> endpointUpserts = new HashMap<>();
    endpoints.forEach((key, view) -> {
      if (!view.equals(this.endpoints.get(key))) {
        endpointUpserts.put(key, view);
      }
    });
    Set<String> endpointsRemoved = new HashSet<>(this.endpoints.keySet());
    endpointsRemoved.removeAll(endpoints.keySet());
    return apply(new ViewDelta(upserts, removed, endpointUpserts, endpointsRemoved, List.copyOf(nodes)));
  }

  /** Applies a change: recompiles the services it names (all of them when this node's addresses changed). */
  public RoutingSnapshot apply(ViewDelta delta) {
    if (compiler == null) {
      compiler = new ServiceCompiler(nodeName, defaultBalancing, loads, metrics, nanoClock, clusterAddresses);
    }
    Set<String> affected = delta.serviceKeys();
    listenersChanged = false;
    services.putAll(delta.services());
    services.keySet().removeAll(delta.removedServices());
    endpoints.putAll(delta.endpoints());
    endpoints.keySet().removeAll(delta.removedEndpoints());
    if (delta.nodes() != null) {
      ownNodeViews = delta.nodes().stream().filter(node -> node.getName().equals(nodeName)).toList();
    }
    if (delta.nodes() != null || extraNodeAddressesChanged) {
      extraNodeAddressesChanged = false;
      List<InetAddress> addresses = nodeAddresses(ownNodeViews);
      String zone = ownNodeViews.isEmpty() ? "" : ownNodeViews.get(0).getLabelsOrDefault(ZONE_LABEL, "");
      boolean addressesChanged = !addresses.equals(nodeAddresses);
      if (addressesChanged || !zone.equals(nodeZone)) {
        nodeAddresses = addresses;
        nodeZone = zone;
        listenersChanged = addressesChanged;
        affected = new HashSet<>(services.keySet());
        affected.addAll(routes.keySet());
      }
    }
    Set<ListenKey> touchedKeys = new HashSet<>();
    Set<Integer> touchedPorts = new HashSet<>();
    for (String key : affected) {
      ServiceRoutes old = routes.remove(key);
      ServiceView service = services.get(key);
      ServiceRoutes next = null;
      if (service != null) {
        next = compiler.compile(key, service, endpoints.get(key), old, nodeAddresses, nodeZone);
        compiled++;
      }
      // Released after compiling: an endpoint that stays keeps its load counter.
      if (old != null) {
        release(old, touchedKeys, touchedPorts);
      }
      withAffinity.remove(key);
      if (next != null) {
        routes.put(key, next);
        claim(next, touchedKeys, touchedPorts);
        if (next.claims().stream().anyMatch(c -> c.entry().affinity() != null)) {
          withAffinity.add(key);
        }
      }
    }
    for (ListenKey key : touchedKeys) {
      ServiceEntry winner = listenClaims.winner(key);
      ServiceEntry before = entries.get(key);
      // An entry came or went (its address must be local), or one gained or lost its socket.
      listenersChanged |= (winner != null) != (before != null)
          || RoutingSnapshot.listens(winner) != RoutingSnapshot.listens(before);
      entries = winner == null ? entries.minus(key) : entries.plus(key, winner);
      String conflict = listenClaims.conflictWarning(key, e -> e.key().toString());
      if (conflict == null) {
        conflictWarnings.remove(key.toString());
      } else {
        conflictWarnings.put(key.toString(), conflict);
      }
    }
    for (Integer port : touchedPorts) {
      HealthCheck winner = healthClaims.winner(port);
      listenersChanged |= (winner != null) != healthChecks.containsKey(port);
      healthChecks = winner == null ? healthChecks.minus(port) : healthChecks.plus(port, winner);
    }
    loads.sweepOrphans();
    return new RoutingSnapshot(++version, entries, healthChecks, warnings(), nodeAddresses, clusterCidr);
  }

  private void claim(ServiceRoutes r, Set<ListenKey> touchedKeys, Set<Integer> touchedPorts) {
    for (ServiceRoutes.Claim claim : r.claims()) {
      listenClaims.add(claim.key(), r.service(), claim.entry());
      touchedKeys.add(claim.key());
    }
    if (r.healthCheck() != null) {
      healthClaims.add(r.healthCheckPort(), r.service(), r.healthCheck());
      touchedPorts.add(r.healthCheckPort());
    }
    if (!r.warnings().isEmpty()) {
      serviceWarnings.put(r.service(), r.warnings());
    }
  }

  private void release(ServiceRoutes r, Set<ListenKey> touchedKeys, Set<Integer> touchedPorts) {
    for (ServiceRoutes.Claim claim : r.claims()) {
      listenClaims.remove(claim.key(), r.service());
      touchedKeys.add(claim.key());
    }
    if (r.healthCheck() != null) {
      healthClaims.remove(r.healthCheckPort(), r.service());
      touchedPorts.add(r.healthCheckPort());
    }
    serviceWarnings.remove(r.service());
    for (InetSocketAddress address : r.referenced()) {
      loads.release(address);
    }
  }

  /** Every warning now true: per service, then per contested address (few; usually none). */
  private List<String> warnings() {
    if (serviceWarnings.isEmpty() && conflictWarnings.isEmpty()) {
      return List.of();
    }
    List<String> all = new ArrayList<>();
    serviceWarnings.values().forEach(all::addAll);
    all.addAll(conflictWarnings.values());
    return all;
  }

  /**
   * False while this node's Node is being deleted or is tainted for removal: kube-proxy's node
   * eligibility, which {@code /healthz} reports. True without a Node view (static mode).
   */
  public boolean nodeEligible() {
    return ownNodeViews.stream().noneMatch(NodeView::getToBeDeleted);
  }

  /** This node's addresses: the configured ones, then the node view's InternalIP and ExternalIP ones. */
  public List<InetAddress> nodeAddresses(Collection<NodeView> nodes) {
    Set<InetAddress> addresses = new LinkedHashSet<>(extraNodeAddresses);
    for (NodeView node : nodes) {
      if (!node.getName().equals(nodeName)) {
        continue;
      }
      for (NodeAddress address : node.getAddressesList()) {
        if (address.getType().equals("InternalIP") || address.getType().equals("ExternalIP")) {
          InetAddress parsed = ServiceCompiler.ip(address.getAddress());
          if (parsed != null) {
            addresses.add(parsed);
          }
        }
      }
    }
    return List.copyOf(addresses);
  }

  private void requireUnbuilt(String setting) {
    if (compiler != null) {
      throw new IllegalStateException(setting + ": set after the first build (expected: before it)");
    }
  }
}
