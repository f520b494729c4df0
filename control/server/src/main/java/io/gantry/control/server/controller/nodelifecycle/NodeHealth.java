package io.gantry.control.server.controller.nodelifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reads a node's heartbeat and readiness, and marks its conditions Unknown when the heartbeat
 * stopped, as the node lifecycle controller's {@code tryUpdateNodeHealth}: the heartbeat is the
 * latest of the node Lease's {@code spec.renewTime} and the Ready condition's
 * {@code lastHeartbeatTime}; Ready, MemoryPressure, DiskPressure and PIDPressure become
 * {@code Unknown} with reason {@code NodeStatusUnknown} ("Kubelet stopped posting node status."),
 * or are added with {@code NodeStatusNeverUpdated} when the node never posted them. Stateless.
 */
final class NodeHealth {

  static final List<String> CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");

  private NodeHealth() {}

  /** The latest sign of life: lease renewal, Ready heartbeat, or {@code notBefore} (creation, controller start). */
  static Instant heartbeat(JsonNode node, JsonNode lease, Instant notBefore) {
    Instant latest = notBefore;
    latest = later(latest, time(node.path("metadata").path("creationTimestamp")));
    latest = later(latest, time(ready(node).path("lastHeartbeatTime")));
    if (lease != null) {
      latest = later(latest, time(lease.path("spec").path("renewTime")));
    }
    return latest;
  }

  /** The Ready condition, or a missing node. */
  static JsonNode ready(JsonNode node) {
    for (JsonNode condition : node.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return MissingNode.getInstance();
  }

  /** True, False, Unknown, or "" when the node has no Ready condition. */
  static String readyStatus(JsonNode node) {
    return ready(node).path("status").asText("");
  }

  /** Sets the node's conditions to Unknown; false when they already were. */
  static boolean markUnknown(ObjectNode node, Instant now) {
    ObjectNode status = node.has("status") && node.get("status").isObject()
        ? (ObjectNode) node.get("status") : node.putObject("status");
    ArrayNode conditions = status.has("conditions") && status.get("conditions").isArray()
        ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
    boolean changed = false;
    for (String type : CONDITIONS) {
      ObjectNode existing = null;
      for (JsonNode condition : conditions) {
        if (condition instanceof ObjectNode c && type.equals(c.path("type").asText())) {
          existing = c;
        }
      }
      if (existing == null) {
        ObjectNode added = conditions.addObject();
        added.put("type", type);
        added.put("status", "Unknown");
        added.put("lastHeartbeatTime", ObjectMeta.timestamp(now));
        added.put("lastTransitionTime", ObjectMeta.timestamp(now));
        added.put("reason", "NodeStatusNeverUpdated");
        added.put("message", "Kubelet never posted node status.");
        changed = true;
      } else if (!"Unknown".equals(existing.path("status").asText())) {
        existing.put("status", "Unknown");
        existing.put("reason", "NodeStatusUnknown");
        existing.put("message", "Kubelet stopped posting node status.");
        existing.put("lastTransitionTime", ObjectMeta.timestamp(now));
        changed = true;
      }
    }
    return changed;
  }

  static Instant time(JsonNode value) {
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(value.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Instant later(Instant a, Instant b) {
    return b != null && (a == null || b.isAfter(a)) ? b : a;
  }
}
