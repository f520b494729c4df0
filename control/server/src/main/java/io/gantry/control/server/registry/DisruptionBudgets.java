package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.selector.LabelSelector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What the eviction API and the disruption controller share about policy/v1 PodDisruptionBudgets:
 * which budgets guard a pod, and the {@code DisruptionAllowed} condition.
 */
public final class DisruptionBudgets {

  public static final String CONDITION = "DisruptionAllowed";

  private DisruptionBudgets() {}

  /**
   * The budgets of the pod's namespace whose selector matches it. In policy/v1 an empty selector
   * matches every pod and a missing one none; one that does not parse matches none.
   */
  public static List<ObjectNode> guarding(Collection<ObjectNode> budgets, ObjectNode pod) {
    List<ObjectNode> guarding = new ArrayList<>();
    for (ObjectNode budget : budgets) {
      if (ObjectMeta.namespace(budget).equals(ObjectMeta.namespace(pod))
          && selects(budget, pod.path("metadata").path("labels"))) {
        guarding.add(budget);
      }
    }
    return guarding;
  }

  /** Whether the budget's selector matches these pod labels. */
  public static boolean selects(ObjectNode budget, JsonNode labels) {
    JsonNode selector = budget.path("spec").path("selector");
    if (!selector.isObject()) {
      return false;
    }
    try {
      return LabelSelector.fromJson(selector).matches(labels);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** IsPodReady, which is what the budgets count as healthy. */
  public static boolean healthy(ObjectNode pod) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return "True".equals(condition.path("status").asText());
      }
    }
    return false;
  }

  /** UpdateDisruptionAllowedCondition: True ({@code SufficientPods}) while disruptions are allowed. */
  public static void updateDisruptionAllowed(ObjectNode status, Instant now) {
    boolean allowed = status.path("disruptionsAllowed").asLong(0) > 0;
    setCondition(status, allowed ? "True" : "False", allowed ? "SufficientPods" : "InsufficientPods", "", now);
  }

  /**
   * apimachinery's SetStatusCondition for {@value #CONDITION}: the transition time moves only when the
   * status changes; the observed generation is the status's.
   */
  public static void setCondition(ObjectNode status, String value, String reason, String message, Instant now) {
    ArrayNode conditions = status.withArrayProperty("conditions");
    ObjectNode condition = null;
    for (JsonNode existing : conditions) {
      if (existing instanceof ObjectNode c && CONDITION.equals(c.path("type").asText())) {
        condition = c;
      }
    }
    long generation = status.path("observedGeneration").asLong(0);
    if (condition == null) { // in metav1.Condition's field order
      condition = conditions.addObject().put("type", CONDITION).put("status", value);
      if (generation != 0) {
        condition.put("observedGeneration", generation);
      }
      condition.put("lastTransitionTime", ObjectMeta.timestamp(now));
    } else if (!value.equals(condition.path("status").asText()) || !condition.hasNonNull("lastTransitionTime")) {
      condition.put("lastTransitionTime", ObjectMeta.timestamp(now));
    }
    condition.put("status", value);
    if (generation != 0) {
      condition.put("observedGeneration", generation);
    } else {
      condition.remove("observedGeneration");
    }
    condition.put("reason", reason);
    condition.put("message", message);
  }
}
