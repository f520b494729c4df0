package io.gantry.control.server.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;

/** JSON value comparison as the patch formats define it: numbers compare by value, not by type. */
final class JsonValues {

  private JsonValues() {}

  /**
   * Whether two values are equal in the JSON sense: numbers by numeric value ({@code 1} equals
   * {@code 1.0}), objects regardless of member order, arrays element by element.
   */
  static boolean equal(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> field : a.properties()) {
        if (!equal(field.getValue(), b.get(field.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!equal(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /**
   * A string equal for exactly the values {@link #equal} calls equal, for hashing: numbers by value,
   * object members sorted by name.
   */
  static String canonical(JsonNode node) {
    StringBuilder out = new StringBuilder();
    canonical(node, out);
    return out.toString();
  }

  private static void canonical(JsonNode node, StringBuilder out) {
    if (node.isNumber()) {
      out.append('#').append(node.decimalValue().stripTrailingZeros());
    } else if (node.isObject()) {
      out.append('{');
      node.properties().stream().sorted(Map.Entry.comparingByKey()).forEach(member -> {
        out.append(JsonNodeFactory.instance.textNode(member.getKey())).append(':');
        canonical(member.getValue(), out);
        out.append(',');
      });
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (JsonNode element : node) {
        canonical(element, out);
        out.append(',');
      }
      out.append(']');
    } else {
      out.append(node);
    }
  }

  /** A short rendering of a value for error messages, cut after 200 characters. */
  static String brief(JsonNode node) {
    String text = String.valueOf(node);
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
