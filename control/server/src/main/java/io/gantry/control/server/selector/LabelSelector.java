package io.gantry.control.server.selector;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A parsed label selector: requirements that must all hold. Immutable; build one with {@link #parse} (the
 * query-string syntax) or {@link #fromJson} (a {@code metav1.LabelSelector} object).
 */
public final class LabelSelector {

  /** Requirement operators, with the spelling {@link #toString()} uses. */
  public enum Operator {
    EQUALS("="), DOUBLE_EQUALS("=="), NOT_EQUALS("!="), IN(" in "), NOT_IN(" notin "), EXISTS(""),
    DOES_NOT_EXIST("!"), GREATER_THAN(">"), LESS_THAN("<");

    final String text;

    Operator(String text) {
      this.text = text;
    }
  }

  /** One requirement: {@code key op values}; values are sorted and distinct. */
  public record Requirement(String key, Operator operator, List<String> values) {

    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      values = List.copyOf(new TreeSet<>(values));
    }

    public boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case EQUALS, DOUBLE_EQUALS, IN -> v != null && values.contains(v);
        case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
        case GREATER_THAN, LESS_THAN -> compare(v);
      };
    }

    private boolean compare(String v) {
      if (v == null || values.size() != 1) {
        return false;
      }
      try {
        long have = Long.parseLong(v);
        long want = Long.parseLong(values.get(0));
        return operator == Operator.GREATER_THAN ? have > want : have < want;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    @Override
    public String toString() {
      return switch (operator) {
        case DOES_NOT_EXIST -> "!" + key;
        case EXISTS -> key;
        case IN, NOT_IN -> key + operator.text + "(" + String.join(",", values) + ")";
        default -> key + operator.text + String.join(",", values);
      };
    }
  }

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    List<Requirement> sorted = new ArrayList<>(requirements);
    sorted.sort(Comparator.comparing(Requirement::key));
    this.requirements = List.copyOf(sorted);
  }

  /** The selector that matches every set of labels. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses the query-string syntax: {@code a=b}, {@code a==b}, {@code a!=b}, {@code a in (x,y)},
   * {@code a notin (x)}, {@code a}, {@code !a}, {@code a>1}, {@code a<1}, comma-separated; blank selects
   * everything. Throws {@link IllegalArgumentException} with the upstream parser's message.
   */
  public static LabelSelector parse(String text) {
    Objects.requireNonNull(text, "text");
    List<Requirement> reqs = new LabelSelectorParser(text).parse();
    return reqs.isEmpty() ? EVERYTHING : new LabelSelector(reqs);
  }

  /** {@code spec.selector} of a workload, or empty when it does not parse. */
  public static java.util.Optional<LabelSelector> ofSpec(JsonNode object) {
    try {
      return java.util.Optional.of(fromJson(object.path("spec").path("selector")));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * {@code spec.selector} of a v1 ReplicationController, a plain label map ({@code {app: web}} is
   * {@code app=web}); always present, as upstream's {@code SelectorFromSet} never fails.
   */
  public static java.util.Optional<LabelSelector> ofSpecSet(JsonNode object) {
    return java.util.Optional.of(fromSet(object.path("spec").path("selector")));
  }

  /**
   * Upstream's {@code labels.SelectorFromSet}: each entry of a label map an equality, without
   * validation; {@code null}, missing or {@code {}} selects everything.
   */
  public static LabelSelector fromSet(JsonNode labels) {
    if (labels == null || !labels.isObject() || labels.isEmpty()) {
      return EVERYTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    labels.properties().forEach(e ->
        reqs.add(new Requirement(e.getKey(), Operator.EQUALS, List.of(e.getValue().asText()))));
    return new LabelSelector(reqs);
  }

  /**
   * From a {@code metav1.LabelSelector} object; {@code null}, missing or {@code {}} selects everything.
   * Throws {@link IllegalArgumentException} for an unknown operator or invalid keys and values.
   */
  public static LabelSelector fromJson(JsonNode selector) {
    if (selector == null || !selector.isObject()) {
      return EVERYTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    JsonNode matchLabels = selector.get("matchLabels");
    if (matchLabels != null && matchLabels.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        reqs.add(LabelSelectorParser.requirement(e.getKey(), Operator.EQUALS, List.of(e.getValue().asText())));
      }
    }
    JsonNode exprs = selector.get("matchExpressions");
    if (exprs != null && exprs.isArray()) {
      for (JsonNode expr : exprs) {
        String op = expr.path("operator").asText("");
        Operator operator = switch (op) {
          case "In" -> Operator.IN;
          case "NotIn" -> Operator.NOT_IN;
          case "Exists" -> Operator.EXISTS;
          case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
          default -> throw new IllegalArgumentException("\"" + op + "\" is not a valid label selector operator");
        };
        List<String> values = new ArrayList<>();
        expr.path("values").forEach(v -> values.add(v.asText()));
        reqs.add(LabelSelectorParser.requirement(expr.path("key").asText(""), operator, values));
      }
    }
    return reqs.isEmpty() ? EVERYTHING : new LabelSelector(reqs);
  }

  public boolean matches(Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (Requirement r : requirements) {
      if (!r.matches(l)) {
        return false;
      }
    }
    return true;
  }

  /** Matches a {@code metadata.labels} object; {@code null} or missing is no labels. */
  public boolean matches(JsonNode labelsObject) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (labelsObject != null && labelsObject.isObject()) {
      labelsObject.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    }
    return matches(labels);
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  /** The canonical text: requirements sorted by key, such as {@code app=web,tier in (a,b)}. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSelector other && requirements.equals(other.requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }
}
