package io.gantry.proxy.source;

import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.api.v1.Role;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.control.client.Changes;
import io.gantry.control.client.DataPlaneClient;
import io.gantry.control.client.DataPlaneSnapshot;
import io.gantry.proxy.ProxyServer;
import io.gantry.proxy.metrics.ProgrammingLatencyTracker;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Control-driven mode: subscribes to services, endpoints and nodes on the DataPlane stream (role
 * PROXY) and applies each snapshot the client publishes. The client coalesces pushes; each
 * snapshot is applied whole (the builder reuses pickers and affinity tables). Once a snapshot is
 * live, the endpoint changes in it are measured against their trigger times
 * ({@link ProgrammingLatencyTracker}).
 */
public final class ControlSource implements AutoCloseable {

  private final DataPlaneClient client;

  private ControlSource(DataPlaneClient client) {
    this.client = client;
  }

  public static ControlSource start(InetSocketAddress control, String nodeName, ProxyServer proxy) {
    Objects.requireNonNull(proxy, "proxy");
    DataPlaneClient client = DataPlaneClient.builder(control, nodeName, Role.ROLE_PROXY)
        .types(ResourceType.RESOURCE_TYPE_SERVICE, ResourceType.RESOURCE_TYPE_ENDPOINTS,
            ResourceType.RESOURCE_TYPE_NODE)
        .listener(new Applier(proxy, new ProgrammingLatencyTracker(proxy.metrics(), Clock.systemUTC()))::apply)
        .start();
    return new ControlSource(client);
  }

  /** Applies each snapshot and, once it is live, measures how long the change took to get here. */
  private record Applier(ProxyServer proxy, ProgrammingLatencyTracker programming) {
    void apply(DataPlaneSnapshot snapshot, Changes changes) {
      if (changes.isEmpty() && proxy.ready()) {
        return;
      }
      long received = System.nanoTime();
      Views views = views(snapshot);
      proxy.update(views.services(), views.endpoints(), views.nodes()).thenRun(() -> {
        proxy.metrics().syncLatency((System.nanoTime() - received) / 1e9);
        programming.published(views.endpoints());
      });
    }
  }

  /** The proxy's views in a DataPlane snapshot. */
  public static Views views(DataPlaneSnapshot snapshot) {
    List<ServiceView> services = new ArrayList<>();
    for (Resource r : snapshot.of(ResourceType.RESOURCE_TYPE_SERVICE).values()) {
      services.add(r.getService());
    }
    Map<String, EndpointView> endpoints = new HashMap<>();
    for (Map.Entry<String, Resource> e : snapshot.of(ResourceType.RESOURCE_TYPE_ENDPOINTS).entrySet()) {
      endpoints.put(e.getKey(), e.getValue().getEndpoints());
    }
    List<NodeView> nodes = new ArrayList<>();
    for (Resource r : snapshot.of(ResourceType.RESOURCE_TYPE_NODE).values()) {
      nodes.add(r.getNode());
    }
    return new Views(services, endpoints, nodes);
  }

  public DataPlaneClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
  }
}
