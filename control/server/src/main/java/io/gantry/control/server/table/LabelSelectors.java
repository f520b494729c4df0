package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code metav1.LabelSelectorAsSelector(s).String()}: requirements sorted by key, {@code k=v},
 * {@code k in (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k}, joined by commas.
 */
final class LabelSelectors {

  private LabelSelectors() {}

  /** The selector as a string; {@code ""} for an absent or empty selector. */
  static String format(JsonNode selector) {
    if (selector == null || !selector.isObject()) {
      return "";
    }
    List<String[]> requirements = new ArrayList<>(); // {key, rendered}
    for (Map.Entry<String, String> e : Fields.map(selector, "matchLabels").entrySet()) {
      requirements.add(new String[] {e.getKey(), e.getKey() + "=" + e.getValue()});
    }
    for (JsonNode expr : Fields.items(selector, "matchExpressions")) {
      String key = Fields.text(expr, "key");
      String operator = Fields.text(expr, "operator");
      List<String> values = new ArrayList<>();
      Fields.items(expr, "values").forEach(v -> values.add(v.asText()));
      values.sort(Comparator.naturalOrder());
      String rendered = switch (operator) {
        case "In", "NotIn" -> {
          if (values.isEmpty()) {
            throw new IllegalArgumentException("for 'in', 'notin' operators, values set can't be empty");
          }
          yield key + ("In".equals(operator) ? " in (" : " notin (") + String.join(",", values) + ")";
        }
        case "Exists", "DoesNotExist" -> {
          if (!values.isEmpty()) {
            throw new IllegalArgumentException("values set must be empty for exists and does not exist");
          }
          yield ("Exists".equals(operator) ? "" : "!") + key;
        }
        default -> throw new IllegalArgumentException("\"" + operator + "\" is not a valid label selector operator");
      };
      requirements.add(new String[] {key, rendered});
    }
    requirements.sort(Comparator.comparing((String[] r) -> r[0]));
    List<String> rendered = new ArrayList<>(requirements.size());
    requirements.forEach(r -> rendered.add(r[1]));
    return String.join(",", rendered);
  }

  /** {@code labels.FormatLabels} of a plain label map: {@code k=v} sorted by key, {@code <none>} when empty. */
  static String formatLabels(JsonNode labels) {
    List<String> rendered = new ArrayList<>();
    Fields.map(labels).forEach((k, v) -> rendered.add(k + "=" + v));
    return rendered.isEmpty() ? "<none>" : String.join(",", rendered);
  }

  /** {@code metav1.FormatLabelSelector}: as {@link #format}, {@code <none>} when empty, {@code <error>} when invalid. */
  static String formatOrNone(JsonNode selector) {
    try {
      String s = format(selector);
      return s.isEmpty() ? "<none>" : s;
    } catch (IllegalArgumentException e) {
      return "<error>";
    }
  }
}
