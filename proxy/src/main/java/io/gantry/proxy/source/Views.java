package io.gantry.proxy.source;

import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServiceView;
import java.util.List;
import java.util.Map;

/**
 * A complete configuration for the proxy.
 *
 * @param services  every service
 * @param endpoints endpoint views by {@code namespace/service}
 * @param nodes     every node
 */
public record Views(List<ServiceView> services, Map<String, EndpointView> endpoints, List<NodeView> nodes) {

  public Views {
    services = List.copyOf(services);
    endpoints = Map.copyOf(endpoints);
    nodes = List.copyOf(nodes);
  }
}
