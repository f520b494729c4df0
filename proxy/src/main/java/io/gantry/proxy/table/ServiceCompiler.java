package io.gantry.proxy.table;

import io.gantry.control.api.translate.ViewTranslator;
import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointPort;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.ServicePort;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.proxy.balance.AffinityTable;
import io.gantry.proxy.balance.Balancing;
import io.gantry.proxy.balance.EndpointLoad;
import io.gantry.proxy.balance.Picker;
import io.gantry.proxy.balance.Target;
import io.gantry.proxy.metrics.ProxyMetrics;
import io.gantry.proxy.metrics.ServiceMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Compiles one service's views into its {@link ServiceRoutes}, with kube-proxy's semantics (see
 * {@link RoutingSnapshotBuilder}). Pickers and affinity tables come from the service's previous
 * routes when their settings did not change, so a recompile does not reshuffle clients.
 *
 * <p>Concurrency: called by the builder's one thread; it acquires endpoint load counters, which
 * the builder releases when the routes are replaced.
 */
final class ServiceCompiler {

  private static final int AFFINITY_MAX_ENTRIES = 65_536;

  private final String nodeName;
  private final Balancing defaultBalancing;
  private final EndpointLoad.Registry loads;
  private final ProxyMetrics metrics;
  private final LongSupplier nanoClock;
  private final boolean clusterAddresses;

  ServiceCompiler(String nodeName, Balancing defaultBalancing, EndpointLoad.Registry loads, ProxyMetrics metrics,
      LongSupplier nanoClock, boolean clusterAddresses) {
    this.nodeName = nodeName;
    this.defaultBalancing = defaultBalancing;
    this.loads = loads;
    this.metrics = metrics;
    this.nanoClock = nanoClock;
    this.clusterAddresses = clusterAddresses;
  }

  /** The routes of {@code service}, or null when it has none (headless, ExternalName, left to another proxy). */
  ServiceRoutes compile(String key, ServiceView service, EndpointView view, ServiceRoutes previous,
      List<InetAddress> nodeAddresses, String nodeZone) {
    if (service.getHeadless() || service.getType().equals("ExternalName") || service.getProxyIgnored()) {
      return null;
    }
    List<Endpoint> all = view == null ? List.of() : view.getEndpointsList();
    String[] endpointIps = new String[all.size()];
    for (int i = 0; i < endpointIps.length; i++) {
      endpointIps[i] = all.get(i).getAddress();
    }
    boolean internalLocal = service.getInternalTrafficPolicy().equals("Local");
    boolean externalLocal = service.getExternalTrafficPolicy().equals("Local");
    List<String> warnings = new ArrayList<>();
    List<InetSocketAddress> referenced = new ArrayList<>();
    Balancing balancing = balancing(service, warnings);
    ServiceMetrics serviceMetrics = metrics.service(key);
    HealthCheck healthCheck = null;
    // kube-proxy's NeedsHealthCheck: LoadBalancer services with the Local policy only (a port left
    // over from a type change does not count).
    if (service.getHealthCheckNodePort() > 0 && externalLocal && service.getType().equals("LoadBalancer")) {
      healthCheck = new HealthCheck(service.getNamespace(), service.getName(), localReady(all));
    }
    List<Cidr> sourceRanges = sourceRanges(service, warnings);
    Set<InetAddress> lbSources = lbSources(service, sourceRanges, nodeAddresses);
    Map<ListenKey, ServiceEntry> claims = new LinkedHashMap<>();
    for (ServicePort port : service.getPortsList()) {
      Protocol protocol = Protocol.parse(port.getProtocol());
      if (protocol == null || port.getPort() <= 0 || port.getPort() > 65535) {
        continue;
      }
      ServicePortKey portKey = new ServicePortKey(service.getNamespace(), service.getName(), port.getName(), protocol);
      Picker picker = picker(previous, portKey, balancing);
      AffinityTable affinity = affinity(service, previous, portKey);
      // Categorized per service port, as kube-proxy's CategorizeEndpoints: only the endpoints that
      // serve this port count, so "none ready" and "none anywhere" are judged port by port.
      List<PortEndpoint> serving = serving(all, port, protocol);
      List<PortEndpoint> usable = usable(serving, false);
      List<PortEndpoint> local = usable(serving, true);
      List<PortEndpoint> cluster = sameZone(usable, nodeZone);
      // No usable endpoint anywhere: refused (kube-proxy's REJECT), even under a Local policy,
      // which only drops when endpoints exist elsewhere.
      boolean anywhere = !usable.isEmpty();
      List<Target> clusterTargets = targets(internalLocal ? local : cluster, referenced);
      ServiceEntry internal = new ServiceEntry(portKey, clusterTargets, internalLocal, anywhere, balancing, picker,
          affinity, serviceMetrics, null, endpointIps);
      // With one policy for both kinds of address, one entry serves both (half the memory).
      ServiceEntry external = internalLocal == externalLocal ? internal
          : new ServiceEntry(portKey, targets(externalLocal ? local : cluster, referenced), externalLocal,
              anywhere, balancing, picker, affinity, serviceMetrics, null, endpointIps);
      // In-cluster clients of NodePorts, LoadBalancer IPs and external IPs get all endpoints
      // (kube-proxy's "pod traffic for external destinations" and "route LOCAL traffic for external
      // destinations" jumps to the cluster chain); outside clients keep the Local policy.
      ServiceEntry externalIps = external;
      if (externalLocal) {
        ServiceEntry allEndpoints = !internalLocal ? internal
            : new ServiceEntry(portKey, targets(cluster, referenced), false, anywhere, balancing, picker,
                affinity, serviceMetrics, null, endpointIps);
        externalIps = new ServiceEntry(portKey, external.targets(), true, anywhere, balancing, picker, affinity,
            serviceMetrics, allEndpoints, endpointIps);
      }
      for (String ip : clusterAddresses ? service.getClusterIpsList() : List.<String>of()) {
        claim(claims, warnings, ip, port.getPort(), protocol, internal);
      }
      for (String ip : clusterAddresses ? service.getExternalIpsList() : List.<String>of()) {
        claim(claims, warnings, ip, port.getPort(), protocol, externalIps);
      }
      if (clusterAddresses && service.getType().equals("LoadBalancer")) {
        // loadBalancerSourceRanges guard the LoadBalancer IPs only (kube-proxy's firewall chain),
        // for every client, in-cluster ones included; NodePorts and external IPs stay open.
        ServiceEntry lbEntry = sourceRanges.isEmpty() ? externalIps
            : externalIps.restrictedTo(sourceRanges, lbSources);
        for (String ip : service.getLoadBalancerIpsList()) {
          claim(claims, warnings, ip, port.getPort(), protocol, lbEntry);
        }
      }
      if ((service.getType().equals("NodePort") || service.getType().equals("LoadBalancer"))
          && port.getNodePort() > 0 && port.getNodePort() <= 65535) {
        for (InetAddress address : nodeAddresses) {
          claim(claims, warnings, new ListenKey(new InetSocketAddress(address, port.getNodePort()), protocol),
              externalIps);
        }
      }
    }
    List<ServiceRoutes.Claim> list = new ArrayList<>(claims.size());
    claims.forEach((k, e) -> list.add(new ServiceRoutes.Claim(k, e)));
    return new ServiceRoutes(key, list, healthCheck, healthCheck == null ? 0 : service.getHealthCheckNodePort(),
        warnings, referenced);
  }

  /** An endpoint serving one service port, with the socket address it serves it on. */
  private record PortEndpoint(Endpoint endpoint, InetSocketAddress address) {
  }

  /** The endpoints that serve {@code port}: an EndpointSlice port of its name and protocol, and an IP address. */
  private static List<PortEndpoint> serving(List<Endpoint> all, ServicePort port, Protocol protocol) {
    List<PortEndpoint> serving = new ArrayList<>(all.size());
    for (Endpoint e : all) {
      EndpointPort ep = e.getPortsMap().get(port.getName());
      if (ep == null || ep.getPort() <= 0 || ep.getPort() > 65535 || Protocol.parse(ep.getProtocol()) != protocol) {
        continue; // this endpoint does not serve this service port
      }
      InetAddress ip = ip(e.getAddress());
      if (ip != null) {
        serving.add(new PortEndpoint(e, new InetSocketAddress(ip, ep.getPort())));
      }
    }
    return serving;
  }

  /** Ready endpoints, or serving-and-terminating ones when none is ready (kube-proxy's CategorizeEndpoints). */
  private List<PortEndpoint> usable(List<PortEndpoint> all, boolean localOnly) {
    List<PortEndpoint> ready = new ArrayList<>();
    List<PortEndpoint> terminating = new ArrayList<>();
    for (PortEndpoint pe : all) {
      Endpoint e = pe.endpoint();
      if (localOnly && !e.getNodeName().equals(nodeName)) {
        continue;
      }
      if (e.getReady()) {
        ready.add(pe);
      } else if (e.getServing() && e.getTerminating()) {
        terminating.add(pe);
      }
    }
    return ready.isEmpty() ? terminating : ready;
  }

  /**
   * kube-proxy's topology filter (PreferSameZone from the hints): when every one of {@code usable}
   * is ready and hinted for some zone, and some are hinted for {@code zone}, those; otherwise all of
   * them (no zone label, an endpoint without hints, none for this zone, or only terminating ones).
   */
  private static List<PortEndpoint> sameZone(List<PortEndpoint> usable, String zone) {
    if (zone.isEmpty()) {
      return usable;
    }
    List<PortEndpoint> hinted = new ArrayList<>();
    for (PortEndpoint pe : usable) {
      Endpoint e = pe.endpoint();
      if (!e.getReady() || e.getHintZonesCount() == 0) {
        return usable;
      }
      if (e.getHintZonesList().contains(zone)) {
        hinted.add(pe);
      }
    }
    return hinted.isEmpty() ? usable : hinted;
  }

  /**
   * What the health check reports: this node's ready endpoints, by address, as kube-proxy's
   * LocalReadyEndpoints. Serving-and-terminating ones still take traffic but do not count, so a
   * node whose last endpoints are terminating answers 503 and load balancers drain it.
   */
  private int localReady(List<Endpoint> all) {
    int count = 0;
    for (Endpoint e : all) {
      if (e.getReady() && e.getNodeName().equals(nodeName) && e.getPortsCount() > 0) {
        count++; // the view holds one entry per address
      }
    }
    return count;
  }

  private List<Target> targets(List<PortEndpoint> endpoints, List<InetSocketAddress> referenced) {
    List<Target> targets = new ArrayList<>(endpoints.size());
    for (PortEndpoint e : endpoints) {
      referenced.add(e.address());
      targets.add(new Target(e.address(), e.endpoint().getNodeName(), loads.acquire(e.address())));
    }
    return targets;
  }

  /** The service's loadBalancerSourceRanges; malformed ones are skipped with a warning (none left: all clients). */
  private static List<Cidr> sourceRanges(ServiceView service, List<String> warnings) {
    if (service.getLoadBalancerSourceRangesCount() == 0) {
      return List.of();
    }
    List<Cidr> ranges = new ArrayList<>();
    for (String text : service.getLoadBalancerSourceRangesList()) {
      try {
        ranges.add(Cidr.parse(text));
      } catch (IllegalArgumentException e) {
        warnings.add(service.getNamespace() + "/" + service.getName() + ": loadBalancerSourceRanges: " + text
            + " is not a CIDR; skipped");
      }
    }
    return ranges;
  }

  /**
   * kube-proxy's allowFromNode: when a source range holds one of this node's addresses, traffic
   * from the node to its own LoadBalancer IP (whose source is that IP) is admitted too.
   */
  private static Set<InetAddress> lbSources(ServiceView service, List<Cidr> ranges, List<InetAddress> nodeAddresses) {
    boolean fromNode = ranges.stream().anyMatch(range -> nodeAddresses.stream().anyMatch(range::contains));
    if (!fromNode) {
      return Set.of();
    }
    Set<InetAddress> sources = new HashSet<>();
    for (String ip : service.getLoadBalancerIpsList()) {
      InetAddress address = ip(ip);
      if (address != null) {
        sources.add(address);
      }
    }
    return sources;
  }

  /** The previous picker of this service port when the balancing did not change (keeps round-robin positions). */
  private static Picker picker(ServiceRoutes previous, ServicePortKey key, Balancing balancing) {
    if (previous != null) {
      for (ServiceRoutes.Claim claim : previous.claims()) {
        if (claim.entry().key().equals(key) && claim.entry().balancing() == balancing) {
          return claim.entry().picker();
        }
      }
    }
    return balancing.newPicker();
  }

  private AffinityTable affinity(ServiceView service, ServiceRoutes previous, ServicePortKey key) {
    if (!service.getSessionAffinity().equals("ClientIP")) {
      return null;
    }
    int timeout = service.getSessionAffinityTimeoutSeconds() > 0 ? service.getSessionAffinityTimeoutSeconds() : 10800;
    if (previous != null) {
      for (ServiceRoutes.Claim claim : previous.claims()) {
        AffinityTable old = claim.entry().affinity();
        if (claim.entry().key().equals(key) && old != null && old.timeoutSeconds() == timeout) {
          return old;
        }
      }
    }
    return new AffinityTable(timeout, AFFINITY_MAX_ENTRIES, nanoClock);
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

  private static void claim(Map<ListenKey, ServiceEntry> claims, List<String> warnings, String ip, int port,
      Protocol protocol, ServiceEntry entry) {
    InetAddress address = ip(ip);
    if (address == null) {
      warnings.add(entry.key() + ": address " + ip + " is not an IP literal; skipped");
      return;
    }
    claim(claims, warnings, new ListenKey(new InetSocketAddress(address, port), protocol), entry);
  }

  private static void claim(Map<ListenKey, ServiceEntry> claims, List<String> warnings, ListenKey key,
      ServiceEntry entry) {
    ServiceEntry existing = claims.putIfAbsent(key, entry);
    if (existing != null && existing != entry) {
      warnings.add(Claims.conflict(key, existing.key().toString(), entry.key().toString()));
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
