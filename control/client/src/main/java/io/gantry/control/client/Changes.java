package io.gantry.control.client;

import io.gantry.control.api.v1.ResourceType;
import java.util.Map;
import java.util.Set;

/**
 * What one push changed in the snapshot, per type; types without changes are absent.
 *
 * @param byType per type, the names added, updated and removed
 */
public record Changes(Map<ResourceType, TypeChanges> byType) {

  public static final Changes NONE = new Changes(Map.of());

  public Changes {
    byType = Map.copyOf(byType);
  }

  /** The changes of one type (empty sets when none). */
  public TypeChanges of(ResourceType type) {
    return byType.getOrDefault(type, TypeChanges.NONE);
  }

  public boolean isEmpty() {
    return byType.isEmpty();
  }

  /**
   * @param added   names that were not in the previous snapshot
   * @param updated names whose view changed
   * @param removed names that are gone
   */
  public record TypeChanges(Set<String> added, Set<String> updated, Set<String> removed) {
    public static final TypeChanges NONE = new TypeChanges(Set.of(), Set.of(), Set.of());

    public TypeChanges {
      added = Set.copyOf(added);
      updated = Set.copyOf(updated);
      removed = Set.copyOf(removed);
    }

    public boolean isEmpty() {
      return added.isEmpty() && updated.isEmpty() && removed.isEmpty();
    }
  }
}
