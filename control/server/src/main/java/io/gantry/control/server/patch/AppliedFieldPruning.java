package io.gantry.control.server.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The removal half of server-side apply: fields (and keyed list elements) that a manager's
 * previous applied configuration set and its new one omits are removed from the object, as
 * Kubernetes removes fields a manager stops applying. Identity fields ({@code apiVersion},
 * {@code kind}, {@code metadata.name}, {@code metadata.namespace}) are never removed.
 */
final class AppliedFieldPruning {

  private AppliedFieldPruning() {}

  static void prune(MergeKeys keys, ObjectNode target, JsonNode previous, JsonNode current) {
    pruneObject(keys, "", target, previous, current);
  }

  private static void pruneObject(MergeKeys keys, String path, ObjectNode target, JsonNode previous,
      JsonNode current) {
    if (previous == null || !previous.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> field : previous.properties()) {
      String name = field.getKey();
      String childPath = path.isEmpty() ? name : path + "." + name;
      if (isIdentity(childPath)) {
        continue;
      }
      JsonNode next = current == null ? null : current.get(name);
      if (next == null || next.isNull()) {
        target.remove(name);
        continue;
      }
      JsonNode live = target.get(name);
      if (live instanceof ObjectNode liveObject && next.isObject()) {
        pruneObject(keys, childPath, liveObject, field.getValue(), next);
      } else if (live instanceof ArrayNode liveArray && next.isArray() && field.getValue().isArray()) {
        pruneList(keys, childPath, liveArray, (ArrayNode) field.getValue(), (ArrayNode) next);
      }
    }
  }

  private static void pruneList(MergeKeys keys, String path, ArrayNode target, ArrayNode previous, ArrayNode current) {
    Optional<ListRule> rule = keys.list(path);
    if (rule.isEmpty()) {
      return;
    }
    if (!rule.get().keyed()) {
      Set<JsonNode> kept = new HashSet<>();
      current.forEach(kept::add);
      Set<JsonNode> dropped = new HashSet<>();
      previous.forEach(value -> {
        if (!kept.contains(value)) {
          dropped.add(value);
        }
      });
      for (int i = target.size() - 1; i >= 0; i--) {
        if (dropped.contains(target.get(i))) {
          target.remove(i);
        }
      }
      return;
    }
    String key = rule.get().mergeKey();
    for (JsonNode before : previous) {
      JsonNode id = before.get(key);
      if (id == null) {
        continue;
      }
      JsonNode after = find(current, key, id);
      for (int i = target.size() - 1; i >= 0; i--) {
        JsonNode element = target.get(i);
        if (element.isObject() && id.equals(element.get(key))) {
          if (after == null) {
            target.remove(i);
          } else {
            pruneObject(keys, path, (ObjectNode) element, before, after);
          }
        }
      }
    }
  }

  private static JsonNode find(ArrayNode list, String key, JsonNode id) {
    for (JsonNode element : list) {
      if (id.equals(element.get(key))) {
        return element;
      }
    }
    return null;
  }

  private static boolean isIdentity(String path) {
    return path.equals("apiVersion") || path.equals("kind") || path.equals("metadata.name")
        || path.equals("metadata.namespace");
  }
}
