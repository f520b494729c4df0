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
import io.gantry.proxy.table.ViewDelta;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Control-driven mode: subscribes to services, endpoints and nodes on the DataPlane stream (role
 * PROXY) and applies what each snapshot the client publishes changed: the routing table rebuilds
 * only the services and endpoint views named in the client's {@link Changes}. Once a table is
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

  /** Applies what each snapshot changed and, once it is live, measures how long the change took to get here. */
  private record Applier(ProxyServer proxy, ProgrammingLatencyTracker programming) {
    void apply(DataPlaneSnapshot snapshot, Changes changes) {
      if (changes.isEmpty() && proxy.ready()) {
        return;
      }
      long received = System.nanoTime();
      ViewDelta delta = delta(snapshot, changes, !proxy.ready());
      proxy.update(delta, received).thenRun(() -> {
        proxy.metrics().syncLatency((System.nanoTime() - received) / 1e9);
        programming.published(delta.endpoints(), delta.removedEndpoints());
      });
    }
  }

  /**
   * The part of {@code snapshot} that {@code changes} names, as a change for the routing table;
   * every node view when nodes changed or {@code withNodes}.
   */
  public static ViewDelta delta(DataPlaneSnapshot snapshot, Changes changes, boolean withNodes) {
    Map<String, ServiceView> services = new HashMap<>();
    Changes.TypeChanges s = changes.of(ResourceType.RESOURCE_TYPE_SERVICE);
    Map<String, Resource> serviceResources = snapshot.of(ResourceType.RESOURCE_TYPE_SERVICE);
    for (String name : union(s.added(), s.updated())) {
      services.put(name, serviceResources.get(name).getService());
    }
    Map<String, EndpointView> endpoints = new HashMap<>();
    Changes.TypeChanges e = changes.of(ResourceType.RESOURCE_TYPE_ENDPOINTS);
    Map<String, Resource> endpointResources = snapshot.of(ResourceType.RESOURCE_TYPE_ENDPOINTS);
    for (String name : union(e.added(), e.updated())) {
      endpoints.put(name, endpointResources.get(name).getEndpoints());
    }
    List<NodeView> nodes = null;
    if (withNodes || !changes.of(ResourceType.RESOURCE_TYPE_NODE).isEmpty()) {
      nodes = new ArrayList<>();
      for (Resource r : snapshot.of(ResourceType.RESOURCE_TYPE_NODE).values()) {
        nodes.add(r.getNode());
      }
    }
    return new ViewDelta(services, s.removed(), endpoints, e.removed(), nodes);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    if (b.isEmpty()) {
      return a;
    }
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  public DataPlaneClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
  }
}
