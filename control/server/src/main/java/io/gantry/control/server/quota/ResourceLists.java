package io.gantry.control.server.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ParsedQuantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Resource lists ({@code hard}, {@code used}) as sorted maps of {@link ParsedQuantity}s, with the operations of
 * apiserver's {@code quota/v1} helpers: add, mask, subtract, compare and print.
 */
public final class ResourceLists {

  private ResourceLists() {}

  /** The quantities of a JSON resource list; entries that are no quantity are skipped. */
  public static TreeMap<String, ParsedQuantity> of(JsonNode list) {
    TreeMap<String, ParsedQuantity> out = new TreeMap<>();
    if (list != null && list.isObject()) {
      list.properties().forEach(e -> {
        JsonNode v = e.getValue();
        if (v.isTextual() || v.isNumber()) {
          try {
            out.put(e.getKey(), ParsedQuantity.parse(v.asText()));
          } catch (IllegalArgumentException ignored) {
            // validation refuses such a value; an old stored one counts as absent
          }
        }
      });
    }
    return out;
  }

  /** Rewrites each quantity of a JSON resource list in canonical form; what is no quantity stays. */
  public static void canonicalize(JsonNode list) {
    if (!(list instanceof ObjectNode object)) {
      return;
    }
    of(object).forEach((name, amount) -> object.put(name, amount.toString()));
  }

  public static ObjectNode toJson(Map<String, ParsedQuantity> list) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    new TreeMap<>(list).forEach((name, amount) -> out.put(name, amount.toString()));
    return out;
  }

  /** {@code quota.Add}: the sum of both, by name. */
  public static TreeMap<String, ParsedQuantity> add(Map<String, ParsedQuantity> a, Map<String, ParsedQuantity> b) {
    TreeMap<String, ParsedQuantity> out = new TreeMap<>(a);
    b.forEach((name, amount) -> out.merge(name, amount, ParsedQuantity::plus));
    return out;
  }

  /** {@code quota.SubtractWithNonNegativeResult}: a minus b, never below zero, by a's names. */
  public static TreeMap<String, ParsedQuantity> subtractNonNegative(Map<String, ParsedQuantity> a, Map<String, ParsedQuantity> b) {
    TreeMap<String, ParsedQuantity> out = new TreeMap<>();
    a.forEach((name, amount) -> {
      ParsedQuantity other = b.get(name);
      ParsedQuantity diff = other == null ? amount : amount.minus(other);
      out.put(name, diff.value().signum() < 0 ? new ParsedQuantity(BigDecimal.ZERO, diff.format()) : diff);
    });
    return out;
  }

  /** {@code quota.Mask}: only the named entries. */
  public static TreeMap<String, ParsedQuantity> mask(Map<String, ParsedQuantity> list, Collection<String> names) {
    TreeMap<String, ParsedQuantity> out = new TreeMap<>();
    for (String name : names) {
      ParsedQuantity amount = list.get(name);
      if (amount != null) {
        out.put(name, amount);
      }
    }
    return out;
  }

  public static TreeMap<String, ParsedQuantity> removeZeros(Map<String, ParsedQuantity> list) {
    TreeMap<String, ParsedQuantity> out = new TreeMap<>();
    list.forEach((name, amount) -> {
      if (!amount.isZero()) {
        out.put(name, amount);
      }
    });
    return out;
  }

  /** {@code quota.LessThanOrEqual}: the names of {@code limits} that {@code list} exceeds, sorted. */
  public static List<String> exceeded(Map<String, ParsedQuantity> list, Map<String, ParsedQuantity> limits) {
    List<String> out = new ArrayList<>();
    new TreeMap<>(limits).forEach((name, limit) -> {
      ParsedQuantity amount = list.get(name);
      if (amount != null && amount.compareTo(limit) > 0) {
        out.add(name);
      }
    });
    return out;
  }

  /** {@code quota.Equals}: the same names with the same values. */
  public static boolean sameValues(Map<String, ParsedQuantity> a, Map<String, ParsedQuantity> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, ParsedQuantity> e : a.entrySet()) {
      if (!e.getValue().sameValue(b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** The admission plugin's {@code prettyPrint}: {@code cpu=1,pods=2}, sorted by name. */
  public static String pretty(Map<String, ParsedQuantity> list) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(list).forEach((name, amount) -> parts.add(name + "=" + amount));
    return String.join(",", parts);
  }

  /** The names with a negative amount, sorted. */
  public static Set<String> negative(Map<String, ParsedQuantity> list) {
    TreeMap<String, ParsedQuantity> out = new TreeMap<>(list);
    out.values().removeIf(a -> a.value().signum() >= 0);
    return out.keySet();
  }
}
