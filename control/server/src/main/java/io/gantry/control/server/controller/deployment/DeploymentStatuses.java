package io.gantry.control.server.controller.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Deployment status arithmetic from upstream's {@code sync.go} and {@code deploymentutil}: the
 * counts summed over the ReplicaSets, the {@code Available} condition, and the predicates that
 * drive the {@code Progressing} condition. Zero counts are omitted, as Go's {@code omitempty} does.
 */
final class DeploymentStatuses {

  private DeploymentStatuses() {}

  /** Upstream's {@code calculateStatus}: counts and {@code Available}; other conditions carried over. */
  static ObjectNode calculate(ObjectNode deployment, List<ObjectNode> all, ObjectNode newRs, Instant now) {
    JsonNode old = deployment.path("status");
    int available = ReplicaSets.sumAvailable(all);
    int unavailable = Math.max(0, ReplicaSets.sumSpec(all) - available);
    ObjectNode status = Json.object();
    put(status, "observedGeneration", deployment.path("metadata").path("generation").asLong(0));
    put(status, "replicas", ReplicaSets.sumStatus(all));
    put(status, "updatedReplicas", newRs == null ? 0 : ReplicaSets.statusReplicas(newRs));
    put(status, "readyReplicas", ReplicaSets.sumReady(all));
    put(status, "availableReplicas", available);
    put(status, "unavailableReplicas", unavailable);
    if (old.path("conditions").isArray()) {
      status.set("conditions", old.get("conditions").deepCopy());
    }
    if (old.has("collisionCount")) {
      status.set("collisionCount", old.get("collisionCount"));
    }
    if (available >= Fenceposts.replicas(deployment) - Fenceposts.maxUnavailable(deployment)) {
      DeploymentConditions.set(status, DeploymentConditions.condition(DeploymentConditions.AVAILABLE, "True",
          DeploymentConditions.MIN_AVAILABLE, "Deployment has minimum availability.", now));
    } else {
      DeploymentConditions.set(status, DeploymentConditions.condition(DeploymentConditions.AVAILABLE, "False",
          DeploymentConditions.MIN_UNAVAILABLE, "Deployment does not have minimum availability.", now));
    }
    return status;
  }

  private static void put(ObjectNode status, String field, long value) {
    if (value != 0) {
      status.put(field, value);
    }
  }

  static long count(JsonNode status, String field) {
    return status.path(field).asLong(0);
  }

  /** Every replica updated and available, and the latest spec observed. */
  static boolean complete(ObjectNode deployment, JsonNode status) {
    int replicas = Fenceposts.replicas(deployment);
    return count(status, "updatedReplicas") == replicas
        && count(status, "replicas") == replicas
        && count(status, "availableReplicas") == replicas
        && count(status, "observedGeneration") >= deployment.path("metadata").path("generation").asLong(0);
  }

  /** Something moved since the stored status: more updated, fewer old, more ready or available. */
  static boolean progressing(ObjectNode deployment, JsonNode next) {
    JsonNode old = deployment.path("status");
    long oldOld = count(old, "replicas") - count(old, "updatedReplicas");
    long newOld = count(next, "replicas") - count(next, "updatedReplicas");
    return count(next, "updatedReplicas") > count(old, "updatedReplicas")
        || newOld < oldOld
        || count(next, "readyReplicas") > count(old, "readyReplicas")
        || count(next, "availableReplicas") > count(old, "availableReplicas");
  }

  static boolean hasProgressDeadline(ObjectNode deployment) {
    JsonNode deadline = deployment.path("spec").path("progressDeadlineSeconds");
    return deadline.isIntegralNumber() && deadline.asLong() != Integer.MAX_VALUE;
  }

  /** The Progressing condition was last updated more than {@code progressDeadlineSeconds} ago. */
  static boolean timedOut(ObjectNode deployment, JsonNode status, Instant now) {
    Optional<ObjectNode> condition = DeploymentConditions.get(status, DeploymentConditions.PROGRESSING);
    if (condition.isEmpty() || !hasProgressDeadline(deployment)) {
      return false;
    }
    String reason = condition.get().path("reason").asText();
    if (DeploymentConditions.NEW_RS_AVAILABLE.equals(reason)) {
      return false;
    }
    if (DeploymentConditions.TIMED_OUT.equals(reason)) {
      return true;
    }
    Instant from = Instant.parse(condition.get().path("lastUpdateTime").asText());
    return from.plusSeconds(deployment.path("spec").path("progressDeadlineSeconds").asLong()).isBefore(now);
  }
}
