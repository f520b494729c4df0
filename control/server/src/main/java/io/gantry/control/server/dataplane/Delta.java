package io.gantry.control.server.dataplane;

import io.gantry.control.api.Resources;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceKey;
import io.gantry.control.api.v1.ResourceType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one subscriber needs to move from the versions it holds to a snapshot: upserts for
 * resources it lacks or holds at another version, removals for resources it holds that are gone.
 *
 * <p>Upserts go in {@link #ORDER} (nodes and services before the endpoints that refer to them),
 * removals in the reverse order, so a daemon applying a push item by item never sees a reference
 * to something it does not have yet.
 *
 * @param upserts  resources to add or replace
 * @param removals resources to drop
 */
public record Delta(List<Resource> upserts, List<ResourceKey> removals) {

  /** The order in which types are sent. */
  public static final List<ResourceType> ORDER = List.of(ResourceType.RESOURCE_TYPE_NODE,
      ResourceType.RESOURCE_TYPE_SERVICE, ResourceType.RESOURCE_TYPE_ENDPOINTS, ResourceType.RESOURCE_TYPE_POD,
      ResourceType.RESOURCE_TYPE_POLICY, ResourceType.RESOURCE_TYPE_INGRESS);

  public Delta {
    upserts = List.copyOf(upserts);
    removals = List.copyOf(removals);
  }

  public boolean isEmpty() {
    return upserts.isEmpty() && removals.isEmpty();
  }

  public int size() {
    return upserts.size() + removals.size();
  }

  /**
   * Computes the delta for the {@code dirty} keys of each type and records it in {@code held}
   * (name to version per type), which afterwards describes what the subscriber holds once it has
   * applied the delta. Keys that turn out unchanged are no-ops and send nothing.
   */
  public static Delta compute(ViewSnapshot snapshot, Map<ResourceType, Map<String, Long>> held,
      Map<ResourceType, ? extends Collection<String>> dirty) {
    List<Resource> upserts = new ArrayList<>();
    List<ResourceKey> removals = new ArrayList<>();
    for (ResourceType type : ORDER) {
      Collection<String> keys = dirty.get(type);
      if (keys == null || keys.isEmpty()) {
        continue;
      }
      Map<String, Resource> current = snapshot.of(type);
      Map<String, Long> versions = held.computeIfAbsent(type, t -> new HashMap<>());
      for (String key : keys) {
        Resource resource = current.get(key);
        Long version = versions.get(key);
        if (resource != null && (version == null || version != resource.getVersion())) {
          upserts.add(resource);
          versions.put(key, resource.getVersion());
        }
      }
    }
    for (int i = ORDER.size() - 1; i >= 0; i--) {
      ResourceType type = ORDER.get(i);
      Collection<String> keys = dirty.get(type);
      if (keys == null || keys.isEmpty()) {
        continue;
      }
      Map<String, Resource> current = snapshot.of(type);
      Map<String, Long> versions = held.get(type);
      for (String key : keys) {
        if (!current.containsKey(key) && versions.remove(key) != null) {
          removals.add(Resources.key(type, key));
        }
      }
    }
    return new Delta(upserts, removals);
  }

  /** Every key a subscriber to {@code types} could need to look at to resume from {@code held}. */
  public static Map<ResourceType, Set<String>> resumeKeys(ViewSnapshot snapshot, Set<ResourceType> types,
      Map<ResourceType, Map<String, Long>> held) {
    Map<ResourceType, Set<String>> keys = new HashMap<>();
    for (ResourceType type : types) {
      Set<String> set = new java.util.HashSet<>(snapshot.of(type).keySet());
      set.addAll(held.getOrDefault(type, Map.of()).keySet());
      keys.put(type, set);
    }
    return keys;
  }
}
