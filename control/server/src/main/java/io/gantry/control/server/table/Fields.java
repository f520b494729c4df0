package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads fields of stored objects the way Go reads a decoded struct: an absent field is the zero value
 * ({@code ""}, {@code 0}, {@code false}, an empty list, a null time).
 */
final class Fields {

  private Fields() {}

  /** The node at {@code path}, or a missing node. */
  static JsonNode at(JsonNode node, String... path) {
    JsonNode current = node == null ? MissingNode.getInstance() : node;
    for (String name : path) {
      current = current.path(name);
    }
    return current;
  }

  /** The string at {@code path}, or {@code ""}. */
  static String text(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    return value.isValueNode() && !value.isNull() ? value.asText() : "";
  }

  /** The integer at {@code path}, or 0. */
  static long integer(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    return value.canConvertToLong() ? value.asLong() : 0;
  }

  static boolean bool(JsonNode node, String... path) {
    return at(node, path).asBoolean(false);
  }

  /** Whether the field at {@code path} is set to an object (Go: a non-nil pointer to a struct). */
  static boolean present(JsonNode node, String... path) {
    return at(node, path).isObject();
  }

  /** The elements of the array at {@code path}; empty when absent. */
  static List<JsonNode> items(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    if (!value.isArray()) {
      return List.of();
    }
    List<JsonNode> items = new ArrayList<>(value.size());
    value.forEach(items::add);
    return items;
  }

  /** The string map at {@code path}, sorted by key; empty when absent. */
  static Map<String, String> map(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    Map<String, String> map = new TreeMap<>();
    if (value.isObject()) {
      value.properties().forEach(e -> map.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
    }
    return map;
  }

  /** The number of entries of the object at {@code path}. */
  static int size(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    return value.isObject() || value.isArray() ? value.size() : 0;
  }

  /** The RFC 3339 time at {@code path}, or null when absent or unreadable (Go's zero time). */
  static Instant time(JsonNode node, String... path) {
    String text = text(node, path);
    if (text.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String name(JsonNode object) {
    return text(object, "metadata", "name");
  }

  /** The age of the object: {@code translateTimestampSince(creationTimestamp)}. */
  static String age(JsonNode object, Instant now) {
    return HumanDuration.since(time(object, "metadata", "creationTimestamp"), now);
  }

  /** {@code labels.FormatLabels}: {@code k=v,k2=v2} sorted by key, or {@code <none>}. */
  static String formatLabels(JsonNode node, String... path) {
    Map<String, String> labels = map(node, path);
    if (labels.isEmpty()) {
      return "<none>";
    }
    StringBuilder sb = new StringBuilder();
    labels.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }

  /** {@code listWithMoreString}: the first {@code max} entries, then {@code " + N more..."}; {@code <unset>} when empty. */
  static String listWithMore(List<String> all, int max) {
    String shown = String.join(",", all.subList(0, Math.min(max, all.size())));
    if (all.size() > max) {
      return shown + " + " + (all.size() - max) + " more...";
    }
    return shown.isEmpty() ? "<unset>" : shown;
  }

  /** {@code layoutContainerCells}: container names and images, each joined by commas. */
  static String[] containerCells(JsonNode podSpec) {
    List<String> names = new ArrayList<>();
    List<String> images = new ArrayList<>();
    for (JsonNode container : items(podSpec, "containers")) {
      names.add(text(container, "name"));
      images.add(text(container, "image"));
    }
    return new String[] {String.join(",", names), String.join(",", images)};
  }
}
