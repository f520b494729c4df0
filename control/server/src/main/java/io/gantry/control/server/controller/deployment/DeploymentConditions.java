package io.gantry.control.server.controller.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import java.time.Instant;
import java.util.Optional;

/**
 * Deployment status conditions with upstream's {@code deploymentutil} rules: setting a condition
 * whose status and reason are unchanged keeps it as is; a change of reason with the same status
 * keeps {@code lastTransitionTime}.
 */
final class DeploymentConditions {

  static final String AVAILABLE = "Available";
  static final String PROGRESSING = "Progressing";
  static final String REPLICA_FAILURE = "ReplicaFailure";

  static final String NEW_RS_CREATED = "NewReplicaSetCreated";
  static final String FOUND_NEW_RS = "FoundNewReplicaSet";
  static final String RS_CREATE_ERROR = "ReplicaSetCreateError";
  static final String RS_UPDATED = "ReplicaSetUpdated";
  static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
  static final String TIMED_OUT = "ProgressDeadlineExceeded";
  static final String PAUSED = "DeploymentPaused";
  static final String RESUMED = "DeploymentResumed";
  static final String MIN_AVAILABLE = "MinimumReplicasAvailable";
  static final String MIN_UNAVAILABLE = "MinimumReplicasUnavailable";

  private DeploymentConditions() {}

  static ObjectNode condition(String type, String status, String reason, String message, Instant now) {
    ObjectNode c = Json.object();
    c.put("type", type);
    c.put("status", status);
    String time = ObjectMeta.timestamp(now);
    c.put("lastUpdateTime", time);
    c.put("lastTransitionTime", time);
    c.put("reason", reason);
    c.put("message", message);
    return c;
  }

  static Optional<ObjectNode> get(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (c instanceof ObjectNode o && type.equals(o.path("type").asText())) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  /** Upstream's {@code SetDeploymentCondition}, in place on {@code status}. */
  static void set(ObjectNode status, ObjectNode condition) {
    String type = condition.path("type").asText();
    Optional<ObjectNode> current = get(status, type);
    if (current.isPresent() && current.get().path("status").asText().equals(condition.path("status").asText())
        && current.get().path("reason").asText().equals(condition.path("reason").asText())) {
      return;
    }
    ObjectNode next = condition.deepCopy();
    if (current.isPresent() && current.get().path("status").asText().equals(condition.path("status").asText())) {
      next.set("lastTransitionTime", current.get().get("lastTransitionTime"));
    }
    remove(status, type);
    conditions(status).add(next);
  }

  static void remove(ObjectNode status, String type) {
    if (!(status.get("conditions") instanceof ArrayNode list)) {
      return;
    }
    for (int i = list.size() - 1; i >= 0; i--) {
      if (type.equals(list.get(i).path("type").asText())) {
        list.remove(i);
      }
    }
  }

  private static ArrayNode conditions(ObjectNode status) {
    return status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
  }
}
