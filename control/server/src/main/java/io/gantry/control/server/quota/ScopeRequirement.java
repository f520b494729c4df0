package io.gantry.control.server.quota;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One scope a quota is limited to: a {@code spec.scopes} entry (operator {@code Exists}) or a
 * {@code spec.scopeSelector.matchExpressions} entry, as {@code getScopeSelectorsFromQuota} joins them.
 *
 * @param scopeName {@code Terminating}, {@code BestEffort}, {@code PriorityClass}, ...
 * @param operator  {@code In}, {@code NotIn}, {@code Exists} or {@code DoesNotExist}
 * @param values    the values of {@code In} and {@code NotIn}
 */
public record ScopeRequirement(String scopeName, String operator, List<String> values) {

  public ScopeRequirement {
    Objects.requireNonNull(scopeName, "scopeName");
    Objects.requireNonNull(operator, "operator");
    values = List.copyOf(values);
  }

  /** The scopes of a quota: its {@code spec.scopes}, then its scope selector's expressions. */
  public static List<ScopeRequirement> of(JsonNode quota) {
    List<ScopeRequirement> out = new ArrayList<>();
    JsonNode spec = quota.path("spec");
    for (JsonNode scope : spec.path("scopes")) {
      out.add(new ScopeRequirement(scope.asText(), "Exists", List.of()));
    }
    for (JsonNode expression : spec.path("scopeSelector").path("matchExpressions")) {
      List<String> values = new ArrayList<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      out.add(new ScopeRequirement(expression.path("scopeName").asText(""), expression.path("operator").asText(""),
          values));
    }
    return out;
  }

  /** The requirement as a label selector over a one-entry map ({@code null}: the key is absent). */
  boolean matchesValue(String value) {
    return switch (operator) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      default -> false;
    };
  }
}
