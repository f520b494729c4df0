package io.gantry.control.server.controller.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.selector.LabelSelector;
import java.time.Instant;
import java.util.List;

/**
 * A ReplicaSet's or ReplicationController's status computed from its active pods, as upstream's
 * {@code calculateStatus}: counts of replicas, fully labeled (matching every template label), ready
 * and available ones, the observed generation, and a {@code ReplicaFailure} condition while
 * creating or deleting pods fails.
 * Zero counts are omitted, as Go's {@code omitempty} does (except {@code replicas}).
 */
final class ReplicaSetStatus {

  private ReplicaSetStatus() {}

  static ObjectNode calculate(ObjectNode rs, List<ObjectNode> pods, Exception manageError, Instant now) {
    ObjectNode status = rs.get("status") instanceof ObjectNode s ? s.deepCopy() : Json.object();
    long minReady = rs.path("spec").path("minReadySeconds").asLong(0);
    LabelSelector templateLabels = LabelSelector.fromSet(rs.path("spec").path("template").path("metadata")
        .path("labels"));
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    for (ObjectNode pod : pods) {
      if (templateLabels.matches(pod.path("metadata").path("labels"))) {
        fullyLabeled++;
      }
      if (Pods.isReady(pod)) {
        ready++;
        if (Pods.isAvailable(pod, minReady, now)) {
          available++;
        }
      }
    }
    int desired = rs.path("spec").path("replicas").asInt(1);
    boolean failing = condition(status, "ReplicaFailure") != null;
    if (manageError != null && !failing) {
      int diff = pods.size() - desired;
      String reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
      ObjectNode condition = conditions(status).addObject();
      condition.put("type", "ReplicaFailure");
      condition.put("status", "True");
      condition.put("lastTransitionTime", ObjectMeta.timestamp(now));
      condition.put("reason", reason);
      condition.put("message", manageError.getMessage());
    } else if (manageError == null && failing) {
      removeCondition(status, "ReplicaFailure");
    }
    status.put("replicas", pods.size());
    putCount(status, "fullyLabeledReplicas", fullyLabeled);
    putCount(status, "readyReplicas", ready);
    putCount(status, "availableReplicas", available);
    putCount(status, "observedGeneration", rs.path("metadata").path("generation").asLong(0));
    if (status.path("conditions").isEmpty()) {
      status.remove("conditions");
    }
    return status;
  }

  private static void putCount(ObjectNode status, String field, long value) {
    if (value == 0) {
      status.remove(field);
    } else {
      status.put(field, value);
    }
  }

  static JsonNode condition(ObjectNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  private static ArrayNode conditions(ObjectNode status) {
    return status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
  }

  private static void removeCondition(ObjectNode status, String type) {
    ArrayNode kept = Json.MAPPER.createArrayNode();
    for (JsonNode c : status.path("conditions")) {
      if (!type.equals(c.path("type").asText())) {
        kept.add(c);
      }
    }
    status.set("conditions", kept);
  }
}
