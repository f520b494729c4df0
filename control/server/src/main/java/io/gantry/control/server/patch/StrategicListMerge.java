package io.gantry.control.server.patch;

import static io.gantry.control.server.patch.Directives.where;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Merges one list field of a strategic merge patch. Atomic lists are replaced by the patch's list.
 * Keyed lists merge element by element on the merge key: a patch element updates the live element
 * with the same key (merged as a map) or is added; {@code {"$patch":"delete", key: v}} removes the
 * element, {@code {"$patch":"replace"}} makes the other patch elements the whole list. Lists of
 * scalars with a merge rule become the union of both. The result is ordered by {@link ElementOrder}.
 */
final class StrategicListMerge {

  private final MergeKeys keys;
  private final StrategicMergePatch maps;

  StrategicListMerge(MergeKeys keys, StrategicMergePatch maps) {
    this.keys = keys;
    this.maps = maps;
  }

  /** The rule of the list at {@code path}, empty when it is atomic. */
  Optional<ListRule> rule(String path) {
    return keys.list(path);
  }

  /**
   * Merges {@code patch} into {@code original} (null when the object has no such list). May modify
   * the elements of both; does not modify {@code original} itself.
   */
  ArrayNode merge(String path, ArrayNode original, ArrayNode patch) throws PatchException {
    Optional<ListRule> rule = keys.list(path);
    if (rule.isEmpty()) {
      return patch;
    }
    List<JsonNode> live = original == null ? List.of() : elements(original);
    List<JsonNode> changes = elements(patch);
    if (live.isEmpty() && changes.isEmpty()) {
      return JsonNodeFactory.instance.arrayNode();
    }
    return objectElements(path, live, changes)
        ? mergeObjects(path, rule.get(), live, changes)
        : mergeScalars(rule.get(), live, changes);
  }

  private ArrayNode mergeScalars(ListRule rule, List<JsonNode> live, List<JsonNode> changes) {
    List<JsonNode> union = new ArrayList<>(live);
    Set<String> present = new HashSet<>(ElementOrder.positions(live, rule).keySet());
    for (JsonNode value : changes) {
      if (present.add(JsonValues.canonical(value))) {
        union.add(value);
      }
    }
    return ElementOrder.arrange(union, changes, live, rule);
  }

  private ArrayNode mergeObjects(String path, ListRule rule, List<JsonNode> live, List<JsonNode> changes)
      throws PatchException {
    if (!rule.keyed()) {
      throw new PatchException(where(path) + ": cannot merge a list of objects without a merge key");
    }
    String key = rule.mergeKey();
    Set<String> deleted = new HashSet<>();
    List<JsonNode> plain = new ArrayList<>();
    boolean replace = false;
    for (JsonNode element : changes) {
      JsonNode directive = element.get(Directives.PATCH);
      if (directive == null) {
        plain.add(element);
      } else if (Directives.DELETE.equals(directive.asText())) {
        deleted.add(JsonValues.canonical(requireKey(path, element, key)));
      } else if (Directives.REPLACE.equals(directive.asText())) {
        replace = true;
      } else if (Directives.MERGE.equals(directive.asText())) {
        throw new PatchException(where(path) + ": merging lists cannot yet be specified in the patch");
      } else {
        throw new PatchException(where(path) + ": unknown patch type " + JsonValues.brief(directive)
            + " in list element " + JsonValues.brief(element) + " (expected: delete or replace)");
      }
    }
    if (replace) {
      ArrayNode replacement = JsonNodeFactory.instance.arrayNode(plain.size());
      for (JsonNode element : plain) {
        replacement.add(maps.mergeMap(path, null, (ObjectNode) element));
      }
      return replacement;
    }
    List<JsonNode> remaining = new ArrayList<>(live.size());
    for (JsonNode element : live) {
      String identity = ElementOrder.identity(element, rule);
      if (identity == null || !deleted.contains(identity)) {
        remaining.add(element);
      }
    }
    List<JsonNode> merged = new ArrayList<>(remaining);
    Map<String, Integer> positions = ElementOrder.positions(merged, rule);
    for (JsonNode element : plain) {
      String identity = JsonValues.canonical(requireKey(path, element, key));
      Integer at = positions.get(identity);
      if (at != null) {
        merged.set(at, maps.mergeMap(path, (ObjectNode) merged.get(at), (ObjectNode) element));
      } else {
        positions.put(identity, merged.size());
        merged.add(maps.mergeMap(path, null, (ObjectNode) element));
      }
    }
    return ElementOrder.arrange(merged, plain, remaining, rule);
  }

  /** Whether the elements are objects; a list must not mix objects, scalars and lists. */
  private static boolean objectElements(String path, List<JsonNode> live, List<JsonNode> changes)
      throws PatchException {
    Boolean objects = null;
    for (List<JsonNode> list : List.of(live, changes)) {
      for (JsonNode element : list) {
        if (element.isArray()) {
          throw new PatchException(where(path) + ": lists of lists cannot be merged");
        }
        if (objects != null && objects != element.isObject()) {
          throw new PatchException(where(path) + ": list element types are not identical: "
              + JsonValues.brief(element) + " among " + (objects ? "objects" : "scalars"));
        }
        objects = element.isObject();
      }
    }
    return Boolean.TRUE.equals(objects);
  }

  static JsonNode requireKey(String path, JsonNode element, String key) throws PatchException {
    JsonNode value = element.get(key);
    if (value == null || value.isNull()) {
      throw new PatchException(where(path) + ": map " + JsonValues.brief(element)
          + " does not contain declared merge key: " + key);
    }
    return value;
  }

  static List<JsonNode> elements(ArrayNode array) {
    List<JsonNode> list = new ArrayList<>(array.size());
    array.forEach(list::add);
    return list;
  }
}
