package io.gantry.control.server.controller.podautoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.time.Instant;

/** The autoscaler's {@code setCondition}: the transition time moves only when the status does. */
final class Conditions {

  private Conditions() {}

  static void set(ObjectNode status, String type, String value, String reason, String message, Instant now) {
    ArrayNode conditions = status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
    ObjectNode condition = null;
    for (JsonNode c : conditions) {
      if (type.equals(c.path("type").asText()) && c instanceof ObjectNode o) {
        condition = o;
      }
    }
    if (condition == null) {
      condition = conditions.addObject();
      condition.put("type", type);
    }
    if (!value.equals(condition.path("status").asText())) {
      condition.put("status", value);
      condition.put("lastTransitionTime", ObjectMeta.timestamp(now));
    }
    // kept in the type's field order: type, status, lastTransitionTime, reason, message
    condition.put("reason", reason);
    condition.put("message", message);
  }
}
