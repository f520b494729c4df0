package io.gantry.control.client;

import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.HeldVersions;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.PodView;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.api.v1.ServiceView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a daemon has accepted from the control component: immutable, compared with
 * {@code equals}, swapped in with one volatile write. Read the reference once into a local and
 * use only that.
 *
 * @param systemVersion the system version of the last push folded in (0 before the first)
 * @param resources     per type, resource name ({@code namespace/name} or {@code name}) to view
 */
public record DataPlaneSnapshot(long systemVersion, Map<ResourceType, Map<String, Resource>> resources) {

  public static final DataPlaneSnapshot EMPTY = new DataPlaneSnapshot(0, Map.of());

  public DataPlaneSnapshot {
    Objects.requireNonNull(resources, "resources");
    resources = resources.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(resources));
  }

  public Map<String, Resource> of(ResourceType type) {
    return resources.getOrDefault(type, Map.of());
  }

  public ServiceView service(String namespace, String name) {
    Resource resource = of(ResourceType.RESOURCE_TYPE_SERVICE).get(namespace + "/" + name);
    return resource == null ? null : resource.getService();
  }

  public EndpointView endpoints(String namespace, String service) {
    Resource resource = of(ResourceType.RESOURCE_TYPE_ENDPOINTS).get(namespace + "/" + service);
    return resource == null ? null : resource.getEndpoints();
  }

  public NodeView node(String name) {
    Resource resource = of(ResourceType.RESOURCE_TYPE_NODE).get(name);
    return resource == null ? null : resource.getNode();
  }

  public PodView pod(String namespace, String name) {
    Resource resource = of(ResourceType.RESOURCE_TYPE_POD).get(namespace + "/" + name);
    return resource == null ? null : resource.getPod();
  }

  /** The version of one resource, or -1 when absent. */
  public long version(ResourceType type, String name) {
    Resource resource = of(type).get(name);
    return resource == null ? -1 : resource.getVersion();
  }

  /** How many resources of all types. */
  public int size() {
    return resources.values().stream().mapToInt(Map::size).sum();
  }

  /** What this snapshot holds, as a resuming Subscribe states it. */
  public List<HeldVersions> heldVersions() {
    List<HeldVersions> held = new ArrayList<>();
    for (Map.Entry<ResourceType, Map<String, Resource>> entry : resources.entrySet()) {
      Map<String, Long> versions = new HashMap<>();
      entry.getValue().forEach((name, resource) -> versions.put(name, resource.getVersion()));
      held.add(HeldVersions.newBuilder().setType(entry.getKey()).putAllVersions(versions).build());
    }
    return held;
  }
}
