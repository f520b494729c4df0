package io.gantry.control.client;

import io.gantry.control.api.Resources;
import io.gantry.control.api.ViewValidator;
import io.gantry.control.api.v1.ControlMessage;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceError;
import io.gantry.control.api.v1.ResourceKey;
import io.gantry.control.api.v1.ResourceType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Folds one push into a snapshot: validates every upsert ({@link ViewValidator} plus an
 * optional extra check), applies the good ones and the removals, and keeps the previous copy of
 * every rejected resource. Each type's map is a {@link PersistentHashMap}: folding a change
 * copies one trie path, so the cost follows the push, not the cluster, and untouched entries
 * (and types) are shared with the previous snapshot. Endpoint views are kept interned
 * ({@link ViewInterner}): equal to what arrived, sharing the values endpoints repeat.
 *
 * <p>Pure: the same inputs give equal results; thread-safe.
 */
final class SnapshotFolder {

  /** The outcome of one push. */
  record Result(DataPlaneSnapshot snapshot, Changes changes, List<ResourceError> errors) {
  }

  private final Function<Resource, List<String>> extraValidator;
  private final ViewInterner interner = new ViewInterner();

  SnapshotFolder(Function<Resource, List<String>> extraValidator) {
    this.extraValidator = extraValidator;
  }

  Result fold(DataPlaneSnapshot current, ControlMessage push) {
    Map<ResourceType, Map<String, Resource>> next = new EnumMap<>(ResourceType.class);
    next.putAll(current.resources());
    Map<ResourceType, Set<String>[]> changes = new EnumMap<>(ResourceType.class);
    List<ResourceError> errors = new ArrayList<>();
    for (Resource resource : push.getUpsertsList()) {
      ResourceType type = Resources.type(resource);
      List<String> problems = new ArrayList<>(ViewValidator.validate(resource));
      if (problems.isEmpty()) {
        problems.addAll(extraValidator.apply(resource));
      }
      if (!problems.isEmpty()) {
        errors.add(ResourceError.newBuilder().setType(type).setName(resource.getName())
            .setMessage(String.join("; ", problems)).build());
        continue;
      }
      PersistentHashMap<String, Resource> map = persistent(next.get(type));
      Resource old = map.get(resource.getName());
      next.put(type, map.plus(resource.getName(), interner.intern(resource)));
      if (old == null) {
        changes(changes, type)[0].add(resource.getName());
      } else if (!old.equals(resource)) {
        changes(changes, type)[1].add(resource.getName());
      }
    }
    for (ResourceKey removal : push.getRemovalsList()) {
      Map<String, Resource> map = next.get(removal.getType());
      if (map != null && map.containsKey(removal.getName())) {
        next.put(removal.getType(), persistent(map).minus(removal.getName()));
        changes(changes, removal.getType())[2].add(removal.getName());
      }
    }
    Map<ResourceType, Changes.TypeChanges> byType = new EnumMap<>(ResourceType.class);
    changes.forEach((type, sets) -> byType.put(type, new Changes.TypeChanges(sets[0], sets[1], sets[2])));
    next.entrySet().removeIf(entry -> entry.getValue().isEmpty());
    return new Result(new DataPlaneSnapshot(push.getSystemVersion(), next), new Changes(byType), errors);
  }

  /**
   * The persistent form of a type's map: itself after the first fold, so an update costs a
   * path copy (proportional to the change), not a copy of the type's map (proportional to the
   * cluster). A snapshot from elsewhere ({@code resumeFrom}) is converted once.
   */
  private static PersistentHashMap<String, Resource> persistent(Map<String, Resource> map) {
    return map == null ? PersistentHashMap.empty() : PersistentHashMap.copyOf(map);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Set<String>[] changes(Map<ResourceType, Set<String>[]> changes, ResourceType type) {
    return changes.computeIfAbsent(type, t -> new Set[] {new HashSet<>(), new HashSet<>(), new HashSet<>()});
  }
}
