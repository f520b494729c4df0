package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An IntOrString counting pods, as apps validation checks it: a non-negative integer or a percentage
 * ({@code ValidatePositiveIntOrPercent}, {@code IsNotMoreThan100Percent}). An absent value passes.
 */
final class IntOrPercent {

  private IntOrPercent() {}

  static void validate(JsonNode value, FieldPath path, List<FieldError> errs) {
    if (value.isMissingNode()) {
      return;
    }
    if (value.isTextual()) {
      for (String msg : NameRules.percent(value.asText())) {
        errs.add(FieldError.invalid(path, GoFormat.intOrString(value), msg));
      }
    } else if (value.isIntegralNumber()) {
      if (value.asLong() < 0) {
        errs.add(FieldError.invalid(path, value.asLong(), "must be greater than or equal to 0"));
      }
    } else {
      errs.add(FieldError.invalid(path, Nodes.badValue(value), "must be an integer or percentage (e.g '5%')"));
    }
  }

  static void notMoreThan100Percent(JsonNode value, FieldPath path, List<FieldError> errs) {
    if (isPercent(value) && percentValue(value.asText()) > 100) {
      errs.add(FieldError.invalid(path, GoFormat.intOrString(value), "must not be greater than 100%"));
    }
  }

  static boolean isZero(JsonNode value) {
    if (value.isMissingNode()) {
      return false;
    }
    if (value.isTextual()) {
      return isPercent(value) && percentValue(value.asText()) == 0;
    }
    return value.asLong() == 0;
  }

  private static boolean isPercent(JsonNode value) {
    return value.isTextual() && NameRules.percent(value.asText()).isEmpty();
  }

  private static long percentValue(String percent) {
    String digits = percent.substring(0, percent.length() - 1);
    return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
  }
}
