package io.gantry.control.server.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/**
 * Whether two objects say the same thing: JSON equality where {@code 2}, {@code 2L} and
 * {@code 2.0} are one number, whichever Jackson node type holds them. Decoded objects hold ints
 * where controllers may write longs; treating those as changes would write, notify every
 * watcher, and make controllers that react to their own writes spin.
 */
public final class SameContent {

  private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
    if (a.equals(b)) {
      return 0;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
    }
    return 1;
  };

  private SameContent() {}

  public static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals(NUMBERS_BY_VALUE, b);
  }
}
