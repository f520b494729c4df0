package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.Quantity;
import java.math.BigDecimal;

/** Parses Kubernetes resource quantities ({@code 500m}, {@code 1Gi}, {@code 1e3}) to exact decimals. */
public final class Quantities {

  static final String FORMAT_MSG =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

  private Quantities() {}

  /** The quantity's value, or {@code null} when the node is not a valid quantity. */
  public static BigDecimal parse(JsonNode node) {
    if (node.isNumber()) {
      try {
        return node.decimalValue();
      } catch (NumberFormatException e) {
        return null; // 1e400 read as a double is infinite: no quantity
      }
    }
    return node.isTextual() ? parse(node.asText()) : null;
  }

  static BigDecimal parse(String text) {
    try {
      return Quantity.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
