package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Go's zero values in JSON: an absent or null field, {@code ""}, {@code 0}, {@code false}, and an
 * object or list of nothing but zero values all decode to the zero value, so that Go compares them
 * equal ({@code apiequality.Semantic.DeepEqual} of decoded structs) where JSON does not.
 */
final class JsonZero {

  private JsonZero() {}

  static boolean isZero(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return true;
    }
    if (value.isTextual()) {
      return value.asText().isEmpty();
    }
    if (value.isNumber()) {
      return value.asDouble() == 0;
    }
    if (value.isBoolean()) {
      return !value.asBoolean();
    }
    for (JsonNode item : value) {
      if (!isZero(item)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code a} and {@code b} decode to equal Go values (fields with zero values count as absent). */
  static boolean same(JsonNode a, JsonNode b) {
    if (isZero(a) || isZero(b)) {
      return isZero(a) && isZero(b);
    }
    if (a.isObject() && b.isObject()) {
      return covers(a, b) && covers(b, a);
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!same(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) == 0 : a.equals(b);
  }

  /** Whether every field of {@code a} is the same in {@code b}. */
  private static boolean covers(JsonNode a, JsonNode b) {
    for (Map.Entry<String, JsonNode> field : a.properties()) {
      if (!same(field.getValue(), b.get(field.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
