package io.gantry.control.server.patch;

import static io.gantry.control.server.patch.Directives.child;
import static io.gantry.control.server.patch.Directives.where;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes strategic merge patch, following k8s.io/apimachinery's {@code strategicpatch} package
 * as the API server applies it: maps merge recursively, {@code null} deletes a key, lists merge as
 * {@link MergeKeys} says (see {@link StrategicListMerge}), and the directives {@code $patch},
 * {@code $retainKeys}, {@code $setElementOrder/<list>} and {@code $deleteFromPrimitiveList/<list>}
 * act and then vanish. Values new to the object are merged into an empty value, so directives and
 * {@code null}s inside them never reach the result.
 *
 * <p>Differences from upstream: {@code "$patch": "delete"} in a map removes the key (upstream leaves
 * an empty map); {@code $deleteFromPrimitiveList} also works on lists without a merge rule; unknown
 * {@code $} keys are rejected; the schema is the {@link MergeKeys} table, so unknown fields merge as
 * plain maps instead of being rejected.
 */
final class StrategicMergePatch {

  private final MergeKeys keys;
  private final StrategicListMerge lists;
  private final SetElementOrder order;

  StrategicMergePatch(MergeKeys keys) {
    this.keys = keys;
    this.lists = new StrategicListMerge(keys, this);
    this.order = new SetElementOrder(lists);
  }

  /** Returns {@code live} patched; neither argument is modified. */
  ObjectNode apply(ObjectNode live, ObjectNode patch) throws PatchException {
    ObjectNode result = mergeMap("", live.deepCopy(), patch.deepCopy());
    if (result == null) {
      throw new PatchException("\"$patch\": \"delete\" at the top level would delete the whole object");
    }
    return result;
  }

  /**
   * Merges {@code patch} into {@code original} (null when absent), modifying both. Returns the
   * merged map, or null when the patch says {@code "$patch": "delete"}.
   */
  ObjectNode mergeMap(String path, ObjectNode original, ObjectNode patch) throws PatchException {
    JsonNode directive = patch.remove(Directives.PATCH);
    if (directive != null) {
      if (Directives.REPLACE.equals(directive.asText())) {
        return mergeMap(path, null, patch);
      }
      if (Directives.DELETE.equals(directive.asText())) {
        return null;
      }
      throw new PatchException(where(path) + ": unknown patch type " + JsonValues.brief(directive)
          + " in map (expected: replace or delete)");
    }
    ObjectNode result = original != null ? original : JsonNodeFactory.instance.objectNode();
    retainKeys(path, result, patch);
    for (String name : names(patch)) {
      if (name.startsWith(Directives.SET_ELEMENT_ORDER)) {
        order.apply(path, result, patch, name);
      }
    }
    for (String name : names(patch)) {
      if (name.startsWith(Directives.DELETE_FROM_PRIMITIVE_LIST)) {
        deleteFromPrimitiveList(path, result, name, patch.remove(name));
      }
    }
    for (Map.Entry<String, JsonNode> member : patch.properties()) {
      String name = member.getKey();
      JsonNode value = member.getValue();
      if (Directives.isDirective(name)) {
        throw new PatchException(where(path) + ": unknown directive \"" + name + "\" (expected: $patch, "
            + "$retainKeys, $setElementOrder/<list> or $deleteFromPrimitiveList/<list>)");
      }
      if (value.isNull()) {
        result.remove(name);
        continue;
      }
      JsonNode merged = mergeValue(child(path, name), result.get(name), value);
      if (merged == null) {
        result.remove(name);
      } else {
        result.set(name, merged);
      }
    }
    return result;
  }

  /** Merges one value; returns null when it is a map that deletes itself. */
  JsonNode mergeValue(String path, JsonNode original, JsonNode patch) throws PatchException {
    if (patch.isObject()) {
      ObjectNode into = original instanceof ObjectNode map && !keys.replacesMap(path) ? map : null;
      return mergeMap(path, into, (ObjectNode) patch);
    }
    if (patch.isArray()) {
      return lists.merge(path, original instanceof ArrayNode list ? list : null, (ArrayNode) patch);
    }
    return patch;
  }

  /** Applies {@code $retainKeys}: every key the patch sets must be listed; others leave the map. */
  private static void retainKeys(String path, ObjectNode original, ObjectNode patch) throws PatchException {
    JsonNode retain = patch.remove(Directives.RETAIN_KEYS);
    if (retain == null) {
      return;
    }
    if (!retain.isArray()) {
      throw new PatchException(where(path) + ": invalid patch format of retainKeys: "
          + JsonValues.brief(retain) + " (expected: a list of field names)");
    }
    Set<String> keep = new HashSet<>();
    for (JsonNode name : retain) {
      if (!name.isTextual()) {
        throw new PatchException(where(path) + ": invalid patch format of retainKeys: "
            + JsonValues.brief(name) + " is not a field name");
      }
      keep.add(name.textValue());
    }
    for (Map.Entry<String, JsonNode> member : patch.properties()) {
      String name = member.getKey();
      if (!member.getValue().isNull() && !name.startsWith(Directives.SET_ELEMENT_ORDER)
          && !name.startsWith(Directives.DELETE_FROM_PRIMITIVE_LIST) && !keep.contains(name)) {
        throw new PatchException(where(path) + ": invalid patch format of retainKeys: the patch sets \""
            + name + "\", which $retainKeys " + retain + " does not list");
      }
    }
    original.retain(keep);
  }

  private static void deleteFromPrimitiveList(String path, ObjectNode original, String directive, JsonNode values)
      throws PatchException {
    String field = directive.substring(Directives.DELETE_FROM_PRIMITIVE_LIST.length());
    if (field.isEmpty() || !values.isArray()) {
      throw new PatchException(where(path) + ": invalid patch format of primitive list: \"" + directive
          + "\" must name a list field and hold a list of values");
    }
    if (original.get(field) instanceof ArrayNode current) {
      Set<String> delete = new HashSet<>();
      values.forEach(value -> delete.add(JsonValues.canonical(value)));
      ArrayNode kept = JsonNodeFactory.instance.arrayNode();
      for (JsonNode element : current) {
        if (!delete.contains(JsonValues.canonical(element))) {
          kept.add(element);
        }
      }
      original.set(field, kept);
    }
  }

  private static List<String> names(ObjectNode node) {
    List<String> names = new ArrayList<>();
    node.properties().forEach(member -> names.add(member.getKey()));
    return names;
  }
}
