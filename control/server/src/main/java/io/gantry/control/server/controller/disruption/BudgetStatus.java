package io.gantry.control.server.controller.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DisruptionBudgets;
import io.gantry.control.server.registry.ObjectMeta;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The status the disruption controller computes for one PodDisruptionBudget (its {@code trySync}):
 * how many of the selected pods are healthy, how many must be, and so how many may be disrupted.
 *
 * @param status    the new status (counts, {@code disruptedPods}, {@code observedGeneration}, conditions)
 * @param recheckAt when an eviction named in {@code disruptedPods} times out, if one is pending
 * @param noPods    no pod matched the selector
 * @param unmanaged pods that have no controller, for a budget whose count needs their controllers' scale
 */
record BudgetStatus(ObjectNode status, Optional<Instant> recheckAt, boolean noPods, List<String> unmanaged) {

  /** DeletionTimeout: how long an eviction's pod counts as going before it is counted again. */
  static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

  /** Why the expected pod count could not be computed. */
  static final class CountFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CountFailure(String message) {
      super(message);
    }
  }

  /** Looks up the scale of a pod's controller. */
  @FunctionalInterface
  interface Scales {
    /**
     * The replicas of the workload the controller reference leads to (through a ReplicaSet to its
     * Deployment), keyed by that workload's uid; empty when it is gone or not the referenced one.
     */
    Optional<Scale> of(String namespace, JsonNode controllerRef) throws CountFailure;
  }

  record Scale(String uid, long replicas) {}

  static BudgetStatus compute(ObjectNode budget, List<ObjectNode> namespacePods, Scales scales, Instant now)
      throws CountFailure {
    List<ObjectNode> pods = selected(budget, namespacePods);
    JsonNode spec = budget.path("spec");
    JsonNode maxUnavailable = spec.path("maxUnavailable");
    JsonNode minAvailable = spec.path("minAvailable");
    long expected = 0;
    long desired = 0;
    List<String> unmanaged = new ArrayList<>();
    if (!maxUnavailable.isMissingNode() && !maxUnavailable.isNull()) {
      expected = expectedScale(pods, scales, unmanaged);
      desired = Math.max(0, expected - scaled(maxUnavailable, expected));
    } else if (minAvailable.isIntegralNumber()) {
      desired = minAvailable.asLong();
      expected = pods.size();
    } else if (minAvailable.isTextual()) {
      expected = expectedScale(pods, scales, unmanaged);
      desired = scaled(minAvailable, expected);
    }
    ObjectNode disrupted = Json.object();
    Instant recheck = null;
    JsonNode previous = budget.path("status").path("disruptedPods");
    long healthy = 0;
    for (ObjectNode pod : pods) {
      if (ObjectMeta.isDeleting(pod)) {
        continue;
      }
      Instant disruptedAt = time(previous.path(ObjectMeta.name(pod)).asText(""));
      if (disruptedAt != null && disruptedAt.plus(DELETION_TIMEOUT).isAfter(now)) {
        // an eviction is deleting it: not healthy until that times out
        disrupted.set(ObjectMeta.name(pod), previous.get(ObjectMeta.name(pod)));
        Instant expiry = disruptedAt.plus(DELETION_TIMEOUT);
        recheck = recheck == null || expiry.isBefore(recheck) ? expiry : recheck;
      } else if (DisruptionBudgets.healthy(pod)) {
        healthy++;
      }
    }
    // a budget that selects nothing yet allows nothing, so that its first pods are safe
    long allowed = expected <= 0 ? 0 : Math.max(0, healthy - desired);
    ObjectNode status = Json.object();
    long generation = budget.path("metadata").path("generation").asLong(0);
    if (generation != 0) {
      status.put("observedGeneration", generation);
    }
    if (!disrupted.isEmpty()) {
      status.set("disruptedPods", disrupted);
    }
    status.put("disruptionsAllowed", allowed).put("currentHealthy", healthy).put("desiredHealthy", desired)
        .put("expectedPods", expected);
    JsonNode conditions = budget.path("status").path("conditions");
    if (conditions.isArray()) {
      status.set("conditions", conditions.deepCopy());
    }
    DisruptionBudgets.updateDisruptionAllowed(status, now);
    return new BudgetStatus(status, Optional.ofNullable(recheck), pods.isEmpty(), List.copyOf(unmanaged));
  }

  /** The pods of the budget's namespace its selector matches (none for a missing selector). */
  static List<ObjectNode> selected(ObjectNode budget, List<ObjectNode> namespacePods) {
    List<ObjectNode> pods = new ArrayList<>();
    for (ObjectNode pod : namespacePods) {
      if (DisruptionBudgets.selects(budget, pod.path("metadata").path("labels"))) {
        pods.add(pod);
      }
    }
    return pods;
  }

  /** The budget's selector as the controller's events print it: Go's {@code %v}, the generated String(). */
  static String selectorText(ObjectNode budget) {
    JsonNode selector = budget.path("spec").path("selector");
    if (!selector.isObject()) {
      return "nil";
    }
    StringBuilder text = new StringBuilder("&LabelSelector{MatchLabels:map[string]string{");
    Map<String, String> labels = new TreeMap<>();
    selector.path("matchLabels").properties().forEach(label -> labels.put(label.getKey(), label.getValue().asText()));
    labels.forEach((key, value) -> text.append(key).append(": ").append(value).append(','));
    text.append("},MatchExpressions:[]LabelSelectorRequirement{");
    for (JsonNode expression : selector.path("matchExpressions")) {
      List<String> values = new ArrayList<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      text.append("LabelSelectorRequirement{Key:").append(expression.path("key").asText()).append(",Operator:")
          .append(expression.path("operator").asText()).append(",Values:[").append(String.join(" ", values))
          .append("],},");
    }
    return text.append("},}").toString();
  }

  /** getExpectedScale: the sum of the scales of the pods' controllers, each counted once. */
  private static long expectedScale(List<ObjectNode> pods, Scales scales, List<String> unmanaged)
      throws CountFailure {
    Map<String, Long> byController = new LinkedHashMap<>();
    for (ObjectNode pod : pods) {
      Optional<ObjectNode> ref = OwnerReferences.controllerOf(pod);
      if (ref.isEmpty()) {
        unmanaged.add(ObjectMeta.name(pod));
        continue;
      }
      if (byController.containsKey(ref.get().path("uid").asText())) {
        continue;
      }
      Optional<Scale> scale = scales.of(ObjectMeta.namespace(pod), ref.get());
      if (scale.isPresent()) {
        byController.put(scale.get().uid(), scale.get().replicas());
      }
    }
    return byController.values().stream().mapToLong(Long::longValue).sum();
  }

  /** GetScaledValueFromIntOrPercent, rounding a percentage up. */
  static long scaled(JsonNode value, long total) throws CountFailure {
    if (value.isIntegralNumber()) {
      return value.asLong();
    }
    String text = value.asText();
    if (!text.endsWith("%")) {
      throw new CountFailure("invalid value for IntOrString: invalid type: string is not a percentage");
    }
    long percent;
    try {
      percent = Long.parseLong(text.substring(0, text.length() - 1));
    } catch (NumberFormatException e) {
      throw new CountFailure("invalid value for IntOrString: invalid value \"" + text + "\": " + e.getMessage());
    }
    return (percent * total + 99) / 100;
  }

  private static Instant time(String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
