package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pod spec's {@code topologySpreadConstraints}, as upstream {@code validateTopologySpreadConstraints}
 * checks them, rule by rule in its order. As upstream, a {@code topologyKey} need only be non-empty.
 */
final class TopologySpreadValidation {

  static final List<String> WHEN_UNSATISFIABLE = List.of("DoNotSchedule", "ScheduleAnyway");
  static final List<String> NODE_INCLUSION_POLICIES = List.of("Honor", "Ignore");
  private static final String NOT_POSITIVE = "must be greater than zero";

  private TopologySpreadValidation() {}

  static void validate(List<JsonNode> constraints, FieldPath path, List<FieldError> errs) {
    for (int i = 0; i < constraints.size(); i++) {
      JsonNode constraint = constraints.get(i);
      FieldPath at = path.index(i);
      JsonNode maxSkew = Nodes.field(constraint, "maxSkew");
      if (maxSkew.asLong(0) <= 0) {
        errs.add(FieldError.invalid(at.child("maxSkew"), maxSkew.asLong(0), NOT_POSITIVE));
      }
      String topologyKey = Nodes.text(constraint, "topologyKey", "");
      if (topologyKey.isEmpty()) {
        errs.add(FieldError.required(at.child("topologyKey"), "can not be empty"));
      }
      String action = Nodes.text(constraint, "whenUnsatisfiable", "");
      if (!WHEN_UNSATISFIABLE.contains(action)) {
        errs.add(FieldError.notSupported(at.child("whenUnsatisfiable"), action, WHEN_UNSATISFIABLE));
      }
      for (JsonNode later : constraints.subList(i + 1, constraints.size())) {
        if (topologyKey.equals(Nodes.text(later, "topologyKey", ""))
            && action.equals(Nodes.text(later, "whenUnsatisfiable", ""))) {
          errs.add(FieldError.duplicate(at.child("{topologyKey, whenUnsatisfiable}"),
              "{" + topologyKey + ", " + action + "}"));
          break;
        }
      }
      minDomains(Nodes.field(constraint, "minDomains"), action, at.child("minDomains"), errs);
      for (String policy : List.of("nodeAffinityPolicy", "nodeTaintsPolicy")) {
        String value = Nodes.text(constraint, policy);
        if (value != null && !NODE_INCLUSION_POLICIES.contains(value)) {
          errs.add(FieldError.notSupported(at.child(policy), value, NODE_INCLUSION_POLICIES));
        }
      }
      JsonNode selector = Nodes.field(constraint, "labelSelector");
      matchLabelKeys(Nodes.strings(Nodes.field(constraint, "matchLabelKeys")), selector, at.child("matchLabelKeys"),
          errs);
      SelectorValidation.validate(selector, at.child("labelSelector"), errs);
    }
  }

  private static void minDomains(JsonNode minDomains, String action, FieldPath path, List<FieldError> errs) {
    if (minDomains.isMissingNode()) {
      return;
    }
    if (minDomains.asLong() <= 0) {
      errs.add(FieldError.invalid(path, minDomains.asLong(), NOT_POSITIVE));
    }
    if (!action.equals("DoNotSchedule")) {
      errs.add(FieldError.invalid(path, minDomains.asLong(),
          "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not " + action));
    }
  }

  /** Label keys, each absent from the selector, which must be set. */
  private static void matchLabelKeys(List<String> keys, JsonNode selector, FieldPath path, List<FieldError> errs) {
    if (keys.isEmpty()) {
      return;
    }
    Set<String> selectorKeys = new HashSet<>(Nodes.stringMap(Nodes.field(selector, "matchLabels")).keySet());
    Nodes.list(selector, "matchExpressions").forEach(e -> selectorKeys.add(Nodes.text(e, "key", "")));
    if (selector.isMissingNode()) {
      errs.add(FieldError.forbidden(path, "must not be specified when labelSelector is not set"));
    }
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      FieldPath at = path.index(i);
      NameRules.qualifiedName(key).forEach(m -> errs.add(FieldError.invalid(at, key, m)));
      if (selectorKeys.contains(key)) {
        errs.add(FieldError.invalid(at, key, "exists in both matchLabelKeys and labelSelector"));
      }
    }
  }
}
