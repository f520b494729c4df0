package io.gantry.proxy.table;

import io.gantry.control.api.translate.ViewTranslator;
import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointPort;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeAddress;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServicePort;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.proxy.balance.AffinityTable;
import io.gantry.proxy.balance.Balancing;
import io.gantry.proxy.balance.EndpointLoad;
import io.gantry.proxy.balance.Target;
import io.gantry.proxy.metrics.ProxyMetrics;
import io.gantry.proxy.metrics.ServiceMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Builds {@link RoutingSnapshot}s from views, with kube-proxy's semantics:
 * <ul>
 *   <li>endpoints: the ready ones; when none is ready, the serving-and-terminating ones;</li>
 *   <li>ClusterIPs use {@code internalTrafficPolicy}; NodePorts, LoadBalancer IPs and external IPs
 *       use {@code externalTrafficPolicy}; {@code Local} keeps endpoints on this node only (same
 *       ready-then-terminating fallback among them);</li>
 *   <li>in-cluster clients (pod CIDR or this node) of LoadBalancer IPs and external IPs of a
 *       {@code Local} service get all endpoints ({@link ServiceEntry#inClusterEntry});</li>
 *   <li>a {@code healthCheckNodePort} per {@code externalTrafficPolicy: Local} service, reporting
 *       its local endpoints ({@link HealthCheck});</li>
 *   <li>an endpoint's port for a service port is the EndpointSlice port of the same name (the
 *       EndpointSlice controller has resolved named target ports per pod already);</li>
 *   <li>NodePorts on every address of this node ({@link NodeView} InternalIP/ExternalIP and the
 *       configured extra addresses).</li>
 * </ul>
 * When two services claim one address, the first by namespace/name keeps it and a warning says so.
 *
 * <p>Concurrency: one builder per proxy, called from one thread at a time (the proxy's update
 * context). It carries affinity tables and round-robin positions over from the previous snapshot
 * so that configuration changes do not reshuffle clients.
 */
public final class RoutingSnapshotBuilder {

  private static final int AFFINITY_MAX_ENTRIES = 65_536;

  private final String nodeName;
  private final List<InetAddress> extraNodeAddresses;
  private final Balancing defaultBalancing;
  private final EndpointLoad.Registry loads;
  private final ProxyMetrics metrics;
  private final LongSupplier nanoClock;
  private boolean clusterAddresses = true;
  private Cidr clusterCidr;
  private RoutingSnapshot previous = RoutingSnapshot.EMPTY;
  private long version;

  public RoutingSnapshotBuilder(String nodeName, List<InetAddress> extraNodeAddresses, Balancing defaultBalancing,
      EndpointLoad.Registry loads, ProxyMetrics metrics, LongSupplier nanoClock) {
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.extraNodeAddresses = List.copyOf(extraNodeAddresses);
    this.defaultBalancing = Objects.requireNonNull(defaultBalancing, "defaultBalancing");
    this.loads = Objects.requireNonNull(loads, "loads");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /** Whether to serve ClusterIPs, LoadBalancer IPs and external IPs (default true; false: NodePorts only). */
  public RoutingSnapshotBuilder clusterAddresses(boolean value) {
    this.clusterAddresses = value;
    return this;
  }

  /** The pod CIDR: clients in it are in-cluster clients (null: only this node's addresses are). */
  public RoutingSnapshotBuilder clusterCidr(Cidr value) {
    this.clusterCidr = value;
    return this;
  }

  /**
   * @param services  every service view
   * @param endpoints endpoint views by {@code namespace/service}
   * @param nodes     every node view (only this node's addresses are used)
   */
  public RoutingSnapshot build(Collection<ServiceView> services, Map<String, EndpointView> endpoints,
      Collection<NodeView> nodes) {
    List<InetAddress> nodeAddresses = nodeAddresses(nodes);
    Map<ListenKey, ServiceEntry> entries = new HashMap<>();
    Map<Integer, HealthCheck> healthChecks = new HashMap<>();
    List<String> warnings = new ArrayList<>();
    Set<InetSocketAddress> referenced = new HashSet<>();
    List<ServiceView> ordered = new ArrayList<>(services);
    ordered.sort(Comparator.comparing(ServiceView::getNamespace).thenComparing(ServiceView::getName));
    for (ServiceView service : ordered) {
      if (service.getHeadless() || service.getType().equals("ExternalName")) {
        continue;
      }
      String key = service.getNamespace() + "/" + service.getName();
      EndpointView view = endpoints.get(key);
      List<Endpoint> usable = usable(view == null ? List.of() : view.getEndpointsList(), false);
      List<Endpoint> local = usable(view == null ? List.of() : view.getEndpointsList(), true);
      boolean internalLocal = service.getInternalTrafficPolicy().equals("Local");
      boolean externalLocal = service.getExternalTrafficPolicy().equals("Local");
      Balancing balancing = balancing(service, warnings);
      ServiceMetrics serviceMetrics = metrics.service(key);
      if (service.getHealthCheckNodePort() > 0 && externalLocal) {
        healthChecks.put(service.getHealthCheckNodePort(),
            new HealthCheck(service.getNamespace(), service.getName(), local.size()));
      }
      for (ServicePort port : service.getPortsList()) {
        Protocol protocol = Protocol.parse(port.getProtocol());
        if (protocol == null || port.getPort() <= 0 || port.getPort() > 65535) {
          continue;
        }
        ServicePortKey portKey = new ServicePortKey(service.getNamespace(), service.getName(), port.getName(),
            protocol);
        List<Target> clusterTargets = targets(internalLocal ? local : usable, port, protocol, referenced);
        List<Target> externalTargets = targets(externalLocal ? local : usable, port, protocol, referenced);
        AffinityTable affinity = affinity(service, portKey);
        ServiceEntry internal = entry(portKey, clusterTargets, internalLocal, balancing, affinity, serviceMetrics);
        ServiceEntry external = entry(portKey, externalTargets, externalLocal, balancing, affinity, serviceMetrics);
        // In-cluster clients of LoadBalancer IPs and external IPs get all endpoints (kube-proxy's
        // short-circuit to the cluster chain); outside clients keep the Local policy.
        ServiceEntry externalIps = externalLocal
            ? new ServiceEntry(portKey, externalTargets, true, balancing, external.picker(), affinity, serviceMetrics,
                entry(portKey, targets(usable, port, protocol, referenced), false, balancing, affinity, serviceMetrics))
            : external;
        for (String ip : clusterAddresses ? service.getClusterIpsList() : List.<String>of()) {
          put(entries, warnings, ip, port.getPort(), protocol, internal);
        }
        for (String ip : clusterAddresses ? service.getExternalIpsList() : List.<String>of()) {
          put(entries, warnings, ip, port.getPort(), protocol, externalIps);
        }
        if (clusterAddresses && service.getType().equals("LoadBalancer")) {
          for (String ip : service.getLoadBalancerIpsList()) {
            put(entries, warnings, ip, port.getPort(), protocol, externalIps);
          }
        }
        if ((service.getType().equals("NodePort") || service.getType().equals("LoadBalancer"))
            && port.getNodePort() > 0 && port.getNodePort() <= 65535) {
          for (InetAddress address : nodeAddresses) {
            put(entries, warnings, new ListenKey(new InetSocketAddress(address, port.getNodePort()), protocol),
                external);
          }
        }
      }
    }
    loads.retainBusyOr(referenced);
    RoutingSnapshot snapshot = new RoutingSnapshot(++version, entries, healthChecks, warnings, nodeAddresses,
        clusterCidr);
    previous = snapshot;
    return snapshot;
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
          InetAddress parsed = ip(address.getAddress());
          if (parsed != null) {
            addresses.add(parsed);
          }
        }
      }
    }
    return List.copyOf(addresses);
  }

  /** Ready endpoints, or serving-and-terminating ones when none is ready (kube-proxy's CategorizeEndpoints). */
  private List<Endpoint> usable(List<Endpoint> all, boolean localOnly) {
    List<Endpoint> ready = new ArrayList<>();
    List<Endpoint> terminating = new ArrayList<>();
    for (Endpoint e : all) {
      if (localOnly && !e.getNodeName().equals(nodeName)) {
        continue;
      }
      if (e.getReady()) {
        ready.add(e);
      } else if (e.getServing() && e.getTerminating()) {
        terminating.add(e);
      }
    }
    return ready.isEmpty() ? terminating : ready;
  }

  private List<Target> targets(List<Endpoint> endpoints, ServicePort port, Protocol protocol,
      Set<InetSocketAddress> referenced) {
    List<Target> targets = new ArrayList<>(endpoints.size());
    for (Endpoint e : endpoints) {
      EndpointPort ep = e.getPortsMap().get(port.getName());
      if (ep == null || ep.getPort() <= 0 || ep.getPort() > 65535 || Protocol.parse(ep.getProtocol()) != protocol) {
        continue; // this endpoint does not serve this service port
      }
      InetAddress ip = ip(e.getAddress());
      if (ip == null) {
        continue;
      }
      InetSocketAddress address = new InetSocketAddress(ip, ep.getPort());
      referenced.add(address);
      targets.add(new Target(address, e.getNodeName(), loads.of(address)));
    }
    return targets;
  }

  private ServiceEntry entry(ServicePortKey key, List<Target> targets, boolean local, Balancing balancing,
      AffinityTable affinity, ServiceMetrics serviceMetrics) {
    return new ServiceEntry(key, targets, local, balancing, picker(key, balancing), affinity, serviceMetrics);
  }

  /** The previous snapshot's picker when the balancing did not change (keeps round-robin positions). */
  private io.gantry.proxy.balance.Picker picker(ServicePortKey key, Balancing balancing) {
    for (ServiceEntry old : previousEntries(key)) {
      if (old.balancing() == balancing) {
        return old.picker();
      }
    }
    return balancing.newPicker();
  }

  private AffinityTable affinity(ServiceView service, ServicePortKey key) {
    if (!service.getSessionAffinity().equals("ClientIP")) {
      return null;
    }
    int timeout = service.getSessionAffinityTimeoutSeconds() > 0 ? service.getSessionAffinityTimeoutSeconds() : 10800;
    for (ServiceEntry old : previousEntries(key)) {
      if (old.affinity() != null && old.affinity().timeoutSeconds() == timeout) {
        return old.affinity();
      }
    }
    return new AffinityTable(timeout, AFFINITY_MAX_ENTRIES, nanoClock);
  }

  private List<ServiceEntry> previousEntries(ServicePortKey key) {
    List<ServiceEntry> found = new ArrayList<>(2);
    for (ServiceEntry e : previousIndex().getOrDefault(key, List.of())) {
      found.add(e);
    }
    return found;
  }

  private RoutingSnapshot indexedFor;
  private Map<ServicePortKey, List<ServiceEntry>> index = Map.of();

  private Map<ServicePortKey, List<ServiceEntry>> previousIndex() {
    if (indexedFor != previous) {
      Map<ServicePortKey, List<ServiceEntry>> built = new HashMap<>();
      for (ServiceEntry e : previous.entries().values()) {
        List<ServiceEntry> list = built.computeIfAbsent(e.key(), k -> new ArrayList<>(2));
        if (!list.contains(e)) {
          list.add(e);
        }
      }
      index = built;
      indexedFor = previous;
    }
    return index;
  }

  private Balancing balancing(ServiceView service, List<String> warnings) {
    String asked = service.getAnnotationsMap().get(ViewTranslator.BALANCING_ANNOTATION);
    if (asked == null || asked.isBlank()) {
      return defaultBalancing;
    }
    try {
      return Balancing.parse(asked);
    } catch (IllegalArgumentException e) {
      warnings.add(service.getNamespace() + "/" + service.getName() + ": " + ViewTranslator.BALANCING_ANNOTATION
          + ": " + asked + " (expected: random, round-robin, least-connections or power-of-two); using "
          + defaultBalancing.flag());
      return defaultBalancing;
    }
  }

  private static void put(Map<ListenKey, ServiceEntry> entries, List<String> warnings, String ip, int port,
      Protocol protocol, ServiceEntry entry) {
    InetAddress address = ip(ip);
    if (address == null) {
      warnings.add(entry.key() + ": address " + ip + " is not an IP literal; skipped");
      return;
    }
    put(entries, warnings, new ListenKey(new InetSocketAddress(address, port), protocol), entry);
  }

  private static void put(Map<ListenKey, ServiceEntry> entries, List<String> warnings, ListenKey key,
      ServiceEntry entry) {
    ServiceEntry existing = entries.putIfAbsent(key, entry);
    if (existing != null && existing != entry) {
      warnings.add(key + " is claimed by " + existing.key() + " and " + entry.key() + "; " + existing.key()
          + " keeps it");
    }
  }

  /** Parses an IP literal without name resolution; null when it is not one. */
  static InetAddress ip(String literal) {
    if (literal == null || !io.gantry.control.api.IpLiterals.isIp(literal)) {
      return null;
    }
    try {
      return InetAddress.getByName(literal); // a literal: no lookup happens
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }
}
