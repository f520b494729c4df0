package io.gantry.proxy.table;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The proxy's routing table at one moment: every (address, port, protocol) it serves, mapped to
 * a {@link ServiceEntry}, plus the local-endpoint counts its {@code healthCheckNodePort}s report.
 * Immutable; published with one volatile write; event loops read it without locks.
 *
 * @param version  a counter, one per snapshot built
 * @param entries  listening key to entry
 * @param healthChecks health-check node port to the number of local endpoints of its service
 * @param warnings what the builder skipped and why (conflicting addresses, bad annotations)
 */
public record RoutingSnapshot(long version, Map<ListenKey, ServiceEntry> entries, Map<Integer, Integer> healthChecks,
    List<String> warnings) {

  public static final RoutingSnapshot EMPTY = new RoutingSnapshot(0, Map.of(), Map.of(), List.of());

  public RoutingSnapshot {
    entries = Collections.unmodifiableMap(new HashMap<>(entries));
    healthChecks = Map.copyOf(healthChecks);
    warnings = List.copyOf(warnings);
  }

  /** The entry behind a listening address, or null. */
  public ServiceEntry lookup(InetSocketAddress local, Protocol protocol) {
    return entries.get(new ListenKey(local, protocol));
  }

  public ServiceEntry lookup(ListenKey key) {
    return entries.get(key);
  }

  /** Every address the proxy must listen on. */
  public Set<ListenKey> listeners() {
    return entries.keySet();
  }
}
