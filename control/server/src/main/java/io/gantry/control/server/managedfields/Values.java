package io.gantry.control.server.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/** Value equality where {@code 2}, {@code 2L} and {@code 2.0} are one number, as in the registry. */
final class Values {

  private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
    if (a.equals(b)) {
      return 0;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
    }
    return 1;
  };

  private Values() {}

  static boolean same(JsonNode a, JsonNode b) {
    return a == null || b == null ? a == b : a.equals(NUMBERS_BY_VALUE, b);
  }
}
