package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Renders bad values the way Kubernetes' {@code field.Error} prints them (Go's {@code %q} and {@code %#v}). */
final class GoFormat {

  private GoFormat() {}

  /** A bad value: strings quoted, numbers and booleans bare, maps and lists as Go literals. */
  static String value(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return quote(s);
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Boolean
        || value instanceof BigInteger) {
      return value.toString();
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      return new BigDecimal(value.toString()).stripTrailingZeros().toPlainString();
    }
    if (value instanceof Map<?, ?> map) {
      return stringMap(map);
    }
    if (value instanceof Collection<?> list) {
      return stringSlice(list);
    }
    if (value instanceof JsonNode node) {
      return node.isTextual() ? quote(node.asText()) : node.toString();
    }
    return value.toString();
  }

  /** Go's {@code strconv.Quote}. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    s.codePoints().forEach(cp -> {
      switch (cp) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case 7 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 11 -> b.append("\\v");
        default -> {
          if (printable(cp)) {
            b.appendCodePoint(cp);
          } else if (cp < 0x80) {
            b.append(String.format("\\x%02x", cp));
          } else if (cp < 0x10000) {
            b.append(String.format("\\u%04x", cp));
          } else {
            b.append(String.format("\\U%08x", cp));
          }
        }
      }
    });
    return b.append('"').toString();
  }

  private static boolean printable(int cp) {
    if (cp == ' ') {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED,
          Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
      default -> true;
    };
  }

  /** {@code map[string]string{"a":"b"}} with keys sorted, or {@code map[string]string(nil)} for null. */
  static String stringMap(Map<?, ?> map) {
    if (map == null) {
      return "map[string]string(nil)";
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    map.forEach((k, v) -> sorted.put(String.valueOf(k), String.valueOf(v)));
    List<String> parts = new ArrayList<>();
    sorted.forEach((k, v) -> parts.add(quote(k) + ":" + quote(v)));
    return "map[string]string{" + String.join(", ", parts) + "}";
  }

  /** {@code []string{"a", "b"}}, or {@code []string(nil)} for null. */
  static String stringSlice(Collection<?> list) {
    if (list == null) {
      return "[]string(nil)";
    }
    List<String> parts = new ArrayList<>();
    list.forEach(v -> parts.add(quote(String.valueOf(v))));
    return "[]string{" + String.join(", ", parts) + "}";
  }

  /** An {@code intstr.IntOrString} from its JSON form (number or string). */
  static GoLiteral intOrString(JsonNode node) {
    if (node != null && node.isTextual()) {
      return new GoLiteral("intstr.IntOrString{Type:1, IntVal:0, StrVal:" + quote(node.asText()) + "}");
    }
    long v = node == null || node.isMissingNode() || node.isNull() ? 0 : node.asLong();
    return new GoLiteral("intstr.IntOrString{Type:0, IntVal:" + v + ", StrVal:\"\"}");
  }

  /** A {@code metav1.LabelSelector} from its JSON form, as {@code %#v} prints the dereferenced pointer. */
  static GoLiteral labelSelector(JsonNode selector) {
    JsonNode labels = Nodes.field(selector, "matchLabels");
    String matchLabels = labels.isObject() ? stringMap(Nodes.stringMap(labels)) : "map[string]string(nil)";
    JsonNode exprs = Nodes.field(selector, "matchExpressions");
    String matchExpressions;
    if (!exprs.isArray()) {
      matchExpressions = "[]v1.LabelSelectorRequirement(nil)";
    } else {
      List<String> parts = new ArrayList<>();
      for (JsonNode e : exprs) {
        JsonNode values = Nodes.field(e, "values");
        parts.add("v1.LabelSelectorRequirement{Key:" + quote(Nodes.text(e, "key", "")) + ", Operator:"
            + quote(Nodes.text(e, "operator", "")) + ", Values:"
            + (values.isArray() ? stringSlice(Nodes.strings(values)) : "[]string(nil)") + "}");
      }
      matchExpressions = "[]v1.LabelSelectorRequirement{" + String.join(", ", parts) + "}";
    }
    return new GoLiteral("v1.LabelSelector{MatchLabels:" + matchLabels + ", MatchExpressions:" + matchExpressions + "}");
  }
}
