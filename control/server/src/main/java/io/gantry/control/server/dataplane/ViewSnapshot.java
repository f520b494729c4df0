package io.gantry.control.server.dataplane;

import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every view the control component serves, at one store revision: immutable, internally
 * consistent, and published as a whole with one volatile write.
 *
 * <p>{@link #changed} names the keys that differ from the previous snapshot, so a subscriber
 * only has to look at those (its "dirty keys") instead of diffing everything.
 *
 * @param systemVersion the store revision of the newest change folded in
 * @param resources     per type, resource name to versioned view
 * @param changed       per type, the names added, changed or removed since the previous snapshot
 */
public record ViewSnapshot(long systemVersion, Map<ResourceType, Map<String, Resource>> resources,
    Map<ResourceType, Set<String>> changed) {

  /** The snapshot before anything was built. */
  public static final ViewSnapshot EMPTY = new ViewSnapshot(0, Map.of(), Map.of());

  public ViewSnapshot {
    resources = immutable(resources);
    changed = immutable(changed);
  }

  private static <V> Map<ResourceType, V> immutable(Map<ResourceType, V> map) {
    Objects.requireNonNull(map, "map");
    return map.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new EnumMap<>(map));
  }

  /** The resources of one type (empty when none). */
  public Map<String, Resource> of(ResourceType type) {
    return resources.getOrDefault(type, Map.of());
  }

  /** One resource, or null. */
  public Resource get(ResourceType type, String name) {
    return of(type).get(name);
  }

  /** How many resources of all types. */
  public int size() {
    int size = 0;
    for (Map<String, Resource> map : resources.values()) {
      size += map.size();
    }
    return size;
  }
}
