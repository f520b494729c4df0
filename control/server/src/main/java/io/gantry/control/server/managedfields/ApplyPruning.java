package io.gantry.control.server.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.json.SameContent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes the fields an applier stopped applying: each path given is taken out of the object
 * (a map field, an associative list element by its keys, a set element by its value) unless a
 * field someone still owns lies below it. An element's key fields go only with the element.
 */
final class ApplyPruning {

  private ApplyPruning() {}

  static void prune(ObjectNode object, FieldSet remove, FieldSet owned) {
    List<List<String>> paths = new ArrayList<>(remove.paths());
    paths.sort(Comparator.comparingInt(List::size)); // parents first: removing one takes its children
    Set<List<String>> removed = new HashSet<>();
    for (List<String> path : paths) {
      if (underAny(removed, path) || owned.hasBelow(path) || isElementKey(path)) {
        continue;
      }
      removePath(object, path);
      removed.add(path);
    }
  }

  private static boolean underAny(Set<List<String>> removed, List<String> path) {
    for (int length = 1; length < path.size(); length++) {
      if (removed.contains(path.subList(0, length))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code path} is a key field of the associative list element it lies in. */
  private static boolean isElementKey(List<String> path) {
    if (path.size() < 2 || !path.get(path.size() - 2).startsWith("k:")) {
      return false;
    }
    String field = path.get(path.size() - 1);
    if (!field.startsWith("f:")) {
      return false;
    }
    try {
      return Json.MAPPER.readTree(path.get(path.size() - 2).substring(2)).has(field.substring(2));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void removePath(JsonNode root, List<String> path) {
    JsonNode parent = root;
    for (int i = 0; i < path.size() - 1 && parent != null; i++) {
      parent = child(parent, path.get(i));
    }
    if (parent == null) {
      return;
    }
    String last = path.get(path.size() - 1);
    if (last.startsWith("f:") && parent instanceof ObjectNode object) {
      object.remove(last.substring(2));
    } else if (parent instanceof ArrayNode list) {
      int index = indexOf(list, last);
      if (index >= 0) {
        list.remove(index);
      }
    }
  }

  private static JsonNode child(JsonNode node, String element) {
    if (element.startsWith("f:")) {
      return node instanceof ObjectNode object ? object.get(element.substring(2)) : null;
    }
    if (node instanceof ArrayNode list) {
      int index = indexOf(list, element);
      return index < 0 ? null : list.get(index);
    }
    return null;
  }

  private static int indexOf(ArrayNode list, String element) {
    JsonNode id;
    try {
      id = Json.MAPPER.readTree(element.substring(2));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    for (int i = 0; i < list.size(); i++) {
      if (matches(list.get(i), element.charAt(0), id)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean matches(JsonNode element, char kind, JsonNode id) {
    return switch (kind) {
      case 'v' -> SameContent.same(element, id);
      case 'i' -> false;
      default -> element.isObject() && keysMatch(element, id);
    };
  }

  private static boolean keysMatch(JsonNode element, JsonNode keys) {
    for (Map.Entry<String, JsonNode> key : keys.properties()) {
      JsonNode value = element.get(key.getKey());
      if (value == null || value.isNull()) {
        String fallback = FieldShapes.keyDefault(key.getKey()).orElse(null);
        if (fallback == null || !fallback.equals(key.getValue().asText())) {
          return false;
        }
      } else if (!SameContent.same(value, key.getValue())) {
        return false;
      }
    }
    return true;
  }
}
