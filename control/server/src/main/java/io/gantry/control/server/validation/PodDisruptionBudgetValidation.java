package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * policy/v1 PodDisruptionBudgets, as {@code ValidatePodDisruptionBudget} and the status strategy's
 * {@code ValidatePodDisruptionBudgetStatusUpdate} check them.
 */
final class PodDisruptionBudgetValidation {

  private static final FieldPath SPEC = FieldPath.root("spec");
  private static final FieldPath STATUS = FieldPath.root("status");
  private static final List<String> EVICTION_POLICIES = List.of("AlwaysAllow", "IfHealthyBudget");

  private PodDisruptionBudgetValidation() {}

  static void validate(JsonNode budget, List<FieldError> errs) {
    JsonNode spec = Nodes.field(budget, "spec");
    JsonNode minAvailable = Nodes.field(spec, "minAvailable");
    JsonNode maxUnavailable = Nodes.field(spec, "maxUnavailable");
    if (!minAvailable.isMissingNode() && !maxUnavailable.isMissingNode()) {
      errs.add(FieldError.invalid(SPEC, specLiteral(spec), "minAvailable and maxUnavailable cannot be both set"));
    }
    for (String field : List.of("minAvailable", "maxUnavailable")) {
      IntOrPercent.validate(Nodes.field(spec, field), SPEC.child(field), errs);
      IntOrPercent.notMoreThan100Percent(Nodes.field(spec, field), SPEC.child(field), errs);
    }
    SelectorValidation.validate(Nodes.field(spec, "selector"), SPEC.child("selector"), errs);
    JsonNode policy = Nodes.field(spec, "unhealthyPodEvictionPolicy");
    if (!policy.isMissingNode() && !EVICTION_POLICIES.contains(policy.asText())) {
      errs.add(FieldError.notSupported(SPEC.child("unhealthyPodEvictionPolicy"), policy.asText(), EVICTION_POLICIES));
    }
    JsonNode status = Nodes.field(budget, "status");
    ConditionValidation.validate(Nodes.field(status, "conditions"), STATUS.child("conditions"), errs);
    for (String count : List.of("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods")) {
      long value = Nodes.field(status, count).asLong(0);
      if (value < 0) {
        errs.add(FieldError.invalid(STATUS.child(count), value, "must be greater than or equal to 0"));
      }
    }
  }

  /** The spec as Go prints it with {@code %#v}; a set pointer shows its contents, not its address. */
  private static GoLiteral specLiteral(JsonNode spec) {
    JsonNode selector = Nodes.field(spec, "selector");
    JsonNode policy = Nodes.field(spec, "unhealthyPodEvictionPolicy");
    return new GoLiteral("policy.PodDisruptionBudgetSpec{MinAvailable:" + intOrStringPointer(Nodes.field(spec, "minAvailable"))
        + ", Selector:" + (selector.isObject() ? "&" + GoFormat.labelSelector(selector) : "(*v1.LabelSelector)(nil)")
        + ", MaxUnavailable:" + intOrStringPointer(Nodes.field(spec, "maxUnavailable"))
        + ", UnhealthyPodEvictionPolicy:" + (policy.isMissingNode() ? "(*policy.UnhealthyPodEvictionPolicyType)(nil)"
            : "&" + GoFormat.quote(policy.asText())) + "}");
  }

  private static String intOrStringPointer(JsonNode value) {
    return value.isMissingNode() ? "(*intstr.IntOrString)(nil)" : "&" + GoFormat.intOrString(value);
  }
}
