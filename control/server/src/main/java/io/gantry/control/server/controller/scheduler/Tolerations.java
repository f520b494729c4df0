package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Taint and toleration matching as {@code k8s.io/api/core/v1} {@code Toleration.ToleratesTaint}:
 * an empty toleration effect matches every effect; operator {@code Exists} ignores the value and,
 * with an empty key, tolerates every taint; operator {@code Equal} (the default) needs key and
 * value equal.
 */
public final class Tolerations {

  private Tolerations() {}

  public static boolean tolerates(JsonNode toleration, JsonNode taint) {
    String effect = toleration.path("effect").asText("");
    if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText(""))) {
      return false;
    }
    String key = toleration.path("key").asText("");
    String operator = toleration.path("operator").asText("");
    if (!key.isEmpty() && !key.equals(taint.path("key").asText(""))) {
      return false;
    }
    return switch (operator) {
      case "Exists" -> true;
      case "", "Equal" -> toleration.path("value").asText("").equals(taint.path("value").asText(""));
      default -> false;
    };
  }

  /** The first of a pod's tolerations that tolerates the taint, if any. */
  public static Optional<JsonNode> find(JsonNode pod, JsonNode taint) {
    for (JsonNode toleration : pod.path("spec").path("tolerations")) {
      if (tolerates(toleration, taint)) {
        return Optional.of(toleration);
      }
    }
    return Optional.empty();
  }

  /** The first taint with effect NoSchedule or NoExecute that the pod does not tolerate, if any. */
  public static Optional<JsonNode> firstUntolerated(JsonNode pod, Iterable<JsonNode> taints) {
    for (JsonNode taint : taints) {
      String effect = taint.path("effect").asText("");
      if ((effect.equals("NoSchedule") || effect.equals("NoExecute")) && find(pod, taint).isEmpty()) {
        return Optional.of(taint);
      }
    }
    return Optional.empty();
  }
}
