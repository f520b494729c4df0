package io.gantry.control.server.controller.deployment;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How far a rolling update may go above and below {@code spec.replicas}: upstream's
 * {@code ResolveFenceposts}, {@code MaxSurge} and {@code MaxUnavailable}. Percentages of the
 * desired count round up for {@code maxSurge} and down for {@code maxUnavailable}; if both resolve
 * to zero, one pod may be unavailable so that the rollout can move.
 */
final class Fenceposts {

  private Fenceposts() {}

  static boolean isRollingUpdate(JsonNode deployment) {
    return !"Recreate".equals(deployment.path("spec").path("strategy").path("type").asText("RollingUpdate"));
  }

  static int replicas(JsonNode deployment) {
    return deployment.path("spec").path("replicas").asInt(1);
  }

  static int maxSurge(JsonNode deployment) {
    return isRollingUpdate(deployment) ? resolve(deployment)[0] : 0;
  }

  static int maxUnavailable(JsonNode deployment) {
    int replicas = replicas(deployment);
    if (!isRollingUpdate(deployment) || replicas == 0) {
      return 0;
    }
    return Math.min(resolve(deployment)[1], replicas);
  }

  /** {surge, unavailable} for the deployment's desired count. */
  private static int[] resolve(JsonNode deployment) {
    JsonNode rolling = deployment.path("spec").path("strategy").path("rollingUpdate");
    int desired = replicas(deployment);
    int surge = scaled(rolling.path("maxSurge"), desired, true, "25%");
    int unavailable = scaled(rolling.path("maxUnavailable"), desired, false, "25%");
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return new int[] {surge, unavailable};
  }

  /** Upstream's {@code GetScaledValueFromIntOrPercent}. */
  static int scaled(JsonNode value, int total, boolean roundUp, String absent) {
    if (value.isIntegralNumber()) {
      return value.asInt();
    }
    String text = value.isMissingNode() || value.isNull() ? absent : value.asText();
    if (!text.endsWith("%")) {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    int percent;
    try {
      percent = Integer.parseInt(text.substring(0, text.length() - 1));
    } catch (NumberFormatException e) {
      return 0;
    }
    long product = (long) percent * total;
    return (int) (roundUp ? Math.ceilDiv(product, 100) : Math.floorDiv(product, 100));
  }
}
