package io.gantry.control.server.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.json.SameContent;
import io.gantry.control.server.resource.ResourceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The field sets of objects: the set an applied configuration claims (structured-merge-diff's
 * {@code ToFieldSet}: leaves, list elements, empty maps) and the comparison of two versions of an
 * object (whose added fields also name the maps and elements that appeared, as upstream records
 * them for updates). Server-managed metadata is never owned, and neither is the part a write
 * through another endpoint cannot change: {@code status} for the main resource of a kind with a
 * status subresource, everything but {@code status} for that subresource.
 */
public final class ObjectFields {

  private static final Set<String> UNOWNED_METADATA = Set.of("f:name", "f:namespace", "f:uid", "f:resourceVersion",
      "f:generation", "f:creationTimestamp", "f:managedFields", "f:deletionTimestamp",
      "f:deletionGracePeriodSeconds", "f:selfLink");

  private final ResourceType type;
  private final String subresource;
  private final FieldShapes shapes;

  private ObjectFields(ResourceType type, String subresource) {
    this.type = type;
    this.subresource = subresource;
    this.shapes = FieldShapes.of(type);
  }

  /** @param subresource the endpoint written through ({@code status}, {@code scale}), or null */
  public static ObjectFields of(ResourceType type, String subresource) {
    return new ObjectFields(type, subresource);
  }

  /** The fields an applied configuration sets. */
  public FieldSet applied(JsonNode configuration) {
    return FieldSet.of(members(configuration, false).keySet());
  }

  /** Every field of an object, maps and elements included (what a creator of it would own). */
  FieldSet all(JsonNode object) {
    return FieldSet.of(members(object, true).keySet());
  }

  /** What changed from {@code before} (null for nothing) to {@code after}. */
  Comparison compare(JsonNode before, JsonNode after) {
    Map<List<String>, Member> old = before == null ? Map.of() : members(before, true);
    Map<List<String>, Member> now = members(after, true);
    List<List<String>> added = new ArrayList<>();
    List<List<String>> modified = new ArrayList<>();
    List<List<String>> removed = new ArrayList<>();
    now.forEach((path, member) -> {
      Member was = old.get(path);
      if (was == null) {
        added.add(path);
      } else if (was.leaf() && member.leaf() && !SameContent.same(was.value(), member.value())) {
        modified.add(path);
      }
    });
    old.keySet().forEach(path -> {
      if (!now.containsKey(path)) {
        removed.add(path);
      }
    });
    return new Comparison(FieldSet.of(added), FieldSet.of(modified), FieldSet.of(removed));
  }

  private record Member(JsonNode value, boolean leaf) {}

  private Map<List<String>, Member> members(JsonNode object, boolean withMaps) {
    Map<List<String>, Member> out = new HashMap<>();
    if (object instanceof ObjectNode root) {
      walkObject(root, "", new ArrayList<>(), out, withMaps);
    }
    out.keySet().removeIf(path -> !owned(path));
    return out;
  }

  private boolean owned(List<String> path) {
    String first = path.get(0);
    if (first.equals("f:apiVersion") || first.equals("f:kind")) {
      return false;
    }
    if (first.equals("f:metadata") && (path.size() == 1 || UNOWNED_METADATA.contains(path.get(1)))) {
      return false;
    }
    if ("status".equals(subresource)) {
      return first.equals("f:status");
    }
    return !(first.equals("f:status") && type.hasSubresource("status"));
  }

  private void walkObject(ObjectNode object, String schema, List<String> prefix, Map<List<String>, Member> out,
      boolean withMaps) {
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      String name = field.getKey();
      prefix.add("f:" + name);
      walkValue(field.getValue(), schema.isEmpty() ? name : schema + "." + name, prefix, out, withMaps);
      prefix.remove(prefix.size() - 1);
    }
  }

  private void walkValue(JsonNode value, String schema, List<String> path, Map<List<String>, Member> out,
      boolean withMaps) {
    if (value instanceof ObjectNode object) {
      if (object.isEmpty() || shapes.atomicMap(schema)) {
        out.put(List.copyOf(path), new Member(value, true));
        return;
      }
      if (withMaps && !shapes.alwaysPresent(schema)) {
        out.put(List.copyOf(path), new Member(value, false));
      }
      walkObject(object, schema, path, out, withMaps);
    } else if (value instanceof ArrayNode list) {
      Optional<List<String>> keys = shapes.listKeys(schema);
      List<String> elements = keys.isEmpty() ? null : elements(list, keys.get());
      if (elements == null) {
        out.put(List.copyOf(path), new Member(value, true));
        return;
      }
      if (withMaps) {
        out.put(List.copyOf(path), new Member(value, false));
      }
      for (int i = 0; i < list.size(); i++) {
        path.add(elements.get(i));
        JsonNode element = list.get(i);
        out.put(List.copyOf(path), new Member(element, !(element instanceof ObjectNode)));
        if (element instanceof ObjectNode item) {
          walkObject(item, schema, path, out, withMaps);
        }
        path.remove(path.size() - 1);
      }
    } else {
      out.put(List.copyOf(path), new Member(value, true));
    }
  }

  /**
   * The path element of each list element ({@code k:{...}} or {@code v:...}), or null when the
   * list does not have the shape its schema promises (then it is owned as a whole).
   */
  private static List<String> elements(ArrayNode list, List<String> keys) {
    List<String> elements = new ArrayList<>(list.size());
    Set<String> seen = new HashSet<>();
    for (JsonNode element : list) {
      String id;
      if (keys.isEmpty()) {
        if (element.isContainerNode()) {
          return null;
        }
        id = "v:" + Json.string(element);
      } else {
        if (!(element instanceof ObjectNode object)) {
          return null;
        }
        ObjectNode key = Json.object();
        for (String name : keys) {
          JsonNode part = object.get(name);
          if (part == null || part.isNull()) {
            Optional<String> fallback = FieldShapes.keyDefault(name);
            if (fallback.isEmpty()) {
              return null;
            }
            key.put(name, fallback.get());
          } else {
            key.set(name, part);
          }
        }
        id = "k:" + Json.string(key);
      }
      if (!seen.add(id)) {
        return null;
      }
      elements.add(id);
    }
    return elements;
  }
}
