package io.gantry.control.server.patch;

import com.fasterxml.jackson.databind.JsonNode;
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

  /** A short rendering of a value for error messages, cut after 200 characters. */
  static String brief(JsonNode node) {
    String text = String.valueOf(node);
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
