package io.gantry.proxy.table;

import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServiceView;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A change to the proxy's inputs: the services and endpoint views added or updated, those removed
 * (all keyed by {@code namespace/name}), and this node's view when it changed. What
 * {@link RoutingSnapshotBuilder#apply} turns into a new snapshot with work proportional to it.
 *
 * @param services         services added or updated
 * @param removedServices  services gone
 * @param endpoints        endpoint views added or updated, by {@code namespace/service}
 * @param removedEndpoints endpoint views gone
 * @param nodes            every node view, or null when nodes did not change
 */
public record ViewDelta(Map<String, ServiceView> services, Set<String> removedServices,
    Map<String, EndpointView> endpoints, Set<String> removedEndpoints, List<NodeView> nodes) {

  public static final ViewDelta NONE = new ViewDelta(Map.of(), Set.of(), Map.of(), Set.of(), null);

  public ViewDelta {
    services = Map.copyOf(services);
    removedServices = Set.copyOf(removedServices);
    endpoints = Map.copyOf(endpoints);
    removedEndpoints = Set.copyOf(removedEndpoints);
    nodes = nodes == null ? null : List.copyOf(nodes);
    both("service", services.keySet(), removedServices);
    both("endpoints", endpoints.keySet(), removedEndpoints);
  }

  /** The keys of every service whose routes this change may alter. */
  public Set<String> serviceKeys() {
    Set<String> keys = new HashSet<>(services.keySet());
    keys.addAll(removedServices);
    keys.addAll(endpoints.keySet());
    keys.addAll(removedEndpoints);
    return keys;
  }

  public boolean isEmpty() {
    return services.isEmpty() && removedServices.isEmpty() && endpoints.isEmpty() && removedEndpoints.isEmpty()
        && nodes == null;
  }

  private static void both(String what, Set<String> updated, Set<String> removed) {
    for (String key : removed) {
      if (updated.contains(key)) {
        throw new IllegalArgumentException(what + " " + key + ": both updated and removed in one change "
            + "(expected: one or the other)");
      }
    }
  }
}
