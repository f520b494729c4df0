package io.gantry.control.server.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceKey;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.api.v1.ServiceView;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeltaTest {

  static final ResourceType SERVICE = ResourceType.RESOURCE_TYPE_SERVICE;
  static final ResourceType NODE = ResourceType.RESOURCE_TYPE_NODE;

  static Resource service(String name, long version) {
    return Resource.newBuilder().setName("demo/" + name).setVersion(version)
        .setService(ServiceView.newBuilder().setNamespace("demo").setName(name).setType("ClusterIP")).build();
  }

  static Resource node(String name, long version) {
    return Resource.newBuilder().setName(name).setVersion(version).setNode(NodeView.newBuilder().setName(name))
        .build();
  }

  static ViewSnapshot snapshot(long version, Resource... resources) {
    Map<ResourceType, Map<String, Resource>> map = new EnumMap<>(ResourceType.class);
    for (Resource r : resources) {
      ResourceType type = r.hasNode() ? NODE : SERVICE;
      map.computeIfAbsent(type, t -> new HashMap<>()).put(r.getName(), r);
    }
    map.replaceAll((t, m) -> Map.copyOf(m));
    return new ViewSnapshot(version, map, Map.of());
  }

  @Test
  void resumeSendsOnlyChangedMissingAndRemoved() {
    ViewSnapshot snapshot = snapshot(20, service("same", 3), service("changed", 9), service("new", 11), node("n1", 4));
    Map<ResourceType, Map<String, Long>> held = new EnumMap<>(ResourceType.class);
    held.put(SERVICE, new HashMap<>(Map.of("demo/same", 3L, "demo/changed", 5L, "demo/gone", 2L)));
    Set<ResourceType> types = Set.of(SERVICE, NODE);

    Delta delta = Delta.compute(snapshot, held, Delta.resumeKeys(snapshot, types, held));

    assertEquals(List.of("n1"), delta.upserts().stream().filter(Resource::hasNode).map(Resource::getName).toList());
    assertEquals("n1", delta.upserts().get(0).getName(), "nodes are sent before what refers to them");
    assertEquals(Set.of("demo/changed", "demo/new"), delta.upserts().stream().filter(Resource::hasService)
        .map(Resource::getName).collect(java.util.stream.Collectors.toSet()));
    assertEquals(List.of(ResourceKey.newBuilder().setType(SERVICE).setName("demo/gone").build()), delta.removals());
    assertEquals(4, delta.size());
    assertEquals(Map.of("demo/same", 3L, "demo/changed", 9L, "demo/new", 11L), held.get(SERVICE));

    Delta again = Delta.compute(snapshot, held, Delta.resumeKeys(snapshot, types, held));
    assertTrue(again.isEmpty(), "a subscriber that holds everything gets nothing");
  }

  @Test
  void onlyDirtyKeysAreLookedAt() {
    ViewSnapshot snapshot = snapshot(20, service("a", 2), service("b", 3));
    Map<ResourceType, Map<String, Long>> held = new EnumMap<>(ResourceType.class);
    held.put(SERVICE, new HashMap<>(Map.of("demo/a", 1L)));

    Delta delta = Delta.compute(snapshot, held, Map.of(SERVICE, Set.of("demo/b")));

    assertEquals(List.of("demo/b"), delta.upserts().stream().map(Resource::getName).toList());
    assertEquals(1L, held.get(SERVICE).get("demo/a"), "a key not marked dirty is not looked at");
  }
}
