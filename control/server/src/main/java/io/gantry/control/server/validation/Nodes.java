package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Null-safe reads of a Jackson tree: absent and JSON {@code null} both read as missing. */
final class Nodes {

  private Nodes() {}

  /** The named member, or a {@link MissingNode} when absent, {@code null}, or the parent is not an object. */
  static JsonNode field(JsonNode node, String name) {
    if (node == null || !node.isObject()) {
      return MissingNode.getInstance();
    }
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? MissingNode.getInstance() : v;
  }

  static JsonNode path(JsonNode node, String... names) {
    JsonNode n = node;
    for (String name : names) {
      n = field(n, name);
    }
    return n;
  }

  static boolean present(JsonNode node, String name) {
    return !field(node, name).isMissingNode();
  }

  /** The member as text (scalars of other types by their JSON text), or {@code fallback} when missing. */
  static String text(JsonNode node, String name, String fallback) {
    JsonNode v = field(node, name);
    if (v.isMissingNode()) {
      return fallback;
    }
    return v.isValueNode() ? v.asText() : v.toString();
  }

  /** The member as text, or {@code null} when missing. */
  static String text(JsonNode node, String name) {
    return text(node, name, null);
  }

  /** Elements of an array member (empty when missing or not an array). */
  static List<JsonNode> list(JsonNode node, String name) {
    JsonNode v = field(node, name);
    List<JsonNode> out = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(out::add);
    }
    return out;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(e -> out.add(e.isNull() ? "" : e.isValueNode() ? e.asText() : e.toString()));
    }
    return out;
  }

  /** An object of strings as an ordered map (document order); values of other types by their text. */
  static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    if (object != null && object.isObject()) {
      object.properties().forEach(e -> out.put(e.getKey(),
          e.getValue().isNull() ? "" : e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
    }
    return out;
  }

  /** The value to report for a JSON scalar: numbers as {@code Long}, text as {@code String}, else JSON. */
  static Object badValue(JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return v.decimalValue();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isTextual()) {
      return v.asText();
    }
    return new GoLiteral(v.toString());
  }
}
