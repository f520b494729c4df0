package io.gantry.proxy.table;

import io.gantry.control.client.PersistentHashMap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The proxy's routing table at one moment: every (address, port, protocol) it serves, mapped to
 * a {@link ServiceEntry}, plus what its {@code healthCheckNodePort}s report. Immutable; published
 * with one volatile write; event loops read it without locks. Its maps are persistent (a hash
 * trie): consecutive snapshots share every entry a change did not touch.
 *
 * @param version       a counter, one per snapshot built
 * @param entries       listening key to entry
 * @param healthChecks  health-check node port to what it reports
 * @param warnings      what the builder skipped and why (conflicting addresses, bad annotations)
 * @param nodeAddresses this node's addresses (NodePorts and health-check ports listen there)
 * @param clusterCidr   the pod CIDR: clients in it (or on this node) are in-cluster clients; null: none
 */
public record RoutingSnapshot(long version, Map<ListenKey, ServiceEntry> entries, Map<Integer, HealthCheck> healthChecks,
    List<String> warnings, List<InetAddress> nodeAddresses, Cidr clusterCidr) {

  public static final RoutingSnapshot EMPTY = new RoutingSnapshot(0, Map.of(), Map.of(), List.of(), List.of(), null);

  public RoutingSnapshot {
    entries = PersistentHashMap.copyOf(entries); // the builder's own map as is: shared, not copied
    healthChecks = PersistentHashMap.copyOf(healthChecks);
    warnings = List.copyOf(warnings);
    nodeAddresses = List.copyOf(nodeAddresses);
  }

  /** The entry behind a listening address, or null. */
  public ServiceEntry lookup(InetSocketAddress local, Protocol protocol) {
    return entries.get(new ListenKey(local, protocol));
  }

  public ServiceEntry lookup(ListenKey key) {
    return entries.get(key);
  }

  /**
   * The entry for a new connection or flow from {@code client} to the entry listening at
   * {@code local} (may be null): for a NodePort, LoadBalancer IP or external IP with
   * {@code externalTrafficPolicy: Local}, an in-cluster client gets the service's cluster-wide
   * entry, as kube-proxy sends pod and node-local traffic to all endpoints. Null when nothing
   * listens there.
   */
  public ServiceEntry route(ServiceEntry listened, InetAddress client, InetAddress local) {
    if (listened != null && listened.inClusterEntry() != null && inCluster(client, local)) {
      return listened.inClusterEntry();
    }
    return listened;
  }

  /**
   * Whether {@code client}, connecting to {@code local}, is inside the cluster: in the pod CIDR,
   * one of this node's addresses, or the address it connects to, which is how the node's own
   * traffic to an address it serves arrives (kube-proxy's {@code --src-type LOCAL}).
   */
  public boolean inCluster(InetAddress client, InetAddress local) {
    return (clusterCidr != null && clusterCidr.contains(client)) || client.equals(local)
        || nodeAddresses.contains(client); // a handful of addresses
  }

  /**
   * Every address the proxy must listen on for services: each entry's, except those of a service
   * port with no usable endpoint anywhere. Those stay unbound, so the kernel refuses them as
   * kube-proxy's REJECT does: a TCP connect fails with ECONNREFUSED (a reset answers the SYN; an
   * accepted connection reset at once would look connected to the client) and a UDP datagram
   * gets ICMP port unreachable.
   */
  public Set<ListenKey> listeners() {
    Set<ListenKey> keys = new HashSet<>();
    for (Map.Entry<ListenKey, ServiceEntry> e : entries.entrySet()) {
      if (listens(e.getValue())) {
        keys.add(e.getKey());
      }
    }
    return keys;
  }

  /** Whether {@code entry} (may be null) needs a listening socket: see {@link #listeners}. */
  static boolean listens(ServiceEntry entry) {
    return entry != null && entry.hasEndpoints();
  }

  /** Every address the proxy must serve health checks on: each health-check port on each node address. */
  public Set<ListenKey> healthListeners() {
    Set<ListenKey> keys = new LinkedHashSet<>();
    for (int port : healthChecks.keySet()) {
      for (InetAddress address : nodeAddresses) {
        keys.add(new ListenKey(new InetSocketAddress(address, port), Protocol.TCP));
      }
    }
    return keys;
  }
}
