package io.gantry.proxy.source;

import static io.gantry.proxy.table.ViewFactory.endpoints;
import static io.gantry.proxy.table.ViewFactory.node;
import static io.gantry.proxy.table.ViewFactory.port;
import static io.gantry.proxy.table.ViewFactory.ready;
import static io.gantry.proxy.table.ViewFactory.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.client.Changes;
import io.gantry.control.client.DataPlaneSnapshot;
import io.gantry.proxy.table.ViewDelta;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The control-driven source hands the routing table only what a push changed. */
class ControlSourceTest {

  private static Resource svc(String name) {
    return Resource.newBuilder().setName("default/" + name).setService(
        service(name, "127.96.0.1", port("", "TCP", 80, 80)).build()).build();
  }

  private static Resource eps(String name) {
    return Resource.newBuilder().setName("default/" + name).setEndpoints(
        endpoints(name, ready("127.0.1.1", "n1", "", "TCP", 80))).build();
  }

  @Test
  void aDeltaNamesOnlyWhatChanged() {
    DataPlaneSnapshot snapshot = new DataPlaneSnapshot(7, Map.of(
        ResourceType.RESOURCE_TYPE_SERVICE, Map.of("default/a", svc("a"), "default/b", svc("b")),
        ResourceType.RESOURCE_TYPE_ENDPOINTS, Map.of("default/a", eps("a"), "default/b", eps("b")),
        ResourceType.RESOURCE_TYPE_NODE, Map.of("n1", Resource.newBuilder().setName("n1")
            .setNode(node("n1", "127.0.0.11")).build())));
    Changes changes = new Changes(Map.of(
        ResourceType.RESOURCE_TYPE_ENDPOINTS, new Changes.TypeChanges(Set.of(), Set.of("default/b"), Set.of()),
        ResourceType.RESOURCE_TYPE_SERVICE, new Changes.TypeChanges(Set.of(), Set.of(), Set.of("default/c"))));

    ViewDelta delta = ControlSource.delta(snapshot, changes, false);

    assertEquals(Map.of(), delta.services());
    assertEquals(Set.of("default/c"), delta.removedServices());
    assertEquals(Map.of("default/b", eps("b").getEndpoints()), delta.endpoints());
    assertNull(delta.nodes(), "nodes did not change");
    assertEquals(Set.of("default/b", "default/c"), delta.serviceKeys());

    ViewDelta first = ControlSource.delta(snapshot, changes, true);
    assertEquals(List.of(node("n1", "127.0.0.11")), first.nodes(), "the first apply carries the nodes");
  }
}
