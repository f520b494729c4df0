package io.gantry.control.server.controller.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.time.Instant;
import java.util.Optional;

/** A Job's status conditions, as the Job controller reads and sets them. */
public final class JobConditions {

  public static final String COMPLETE = "Complete";
  public static final String FAILED = "Failed";
  static final String FAILURE_TARGET = "FailureTarget";
  static final String SUCCESS_CRITERIA_MET = "SuccessCriteriaMet";
  static final String SUSPENDED = "Suspended";

  private JobConditions() {}

  static Optional<ObjectNode> find(JsonNode status, String type) {
    for (JsonNode condition : status.path("conditions")) {
      if (type.equals(condition.path("type").asText()) && condition instanceof ObjectNode c) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  public static boolean isTrue(JsonNode status, String type) {
    return find(status, type).map(c -> "True".equals(c.path("status").asText())).orElse(false);
  }

  /** IsJobFinished: Complete or Failed is True. */
  public static boolean finished(JsonNode job) {
    return isTrue(job.path("status"), COMPLETE) || isTrue(job.path("status"), FAILED);
  }

  /**
   * ensureJobConditionStatus: sets the condition (both times now) when its status, reason or message
   * differ; a missing condition is added unless it would be False. Whether anything changed.
   */
  static boolean ensure(ObjectNode status, String type, String value, String reason, String message, Instant now) {
    Optional<ObjectNode> existing = find(status, type);
    if (existing.isPresent()) {
      ObjectNode c = existing.get();
      if (value.equals(c.path("status").asText()) && reason.equals(c.path("reason").asText(""))
          && message.equals(c.path("message").asText(""))) {
        return false;
      }
      fill(c, type, value, reason, message, now);
      return true;
    }
    if (value.equals("False")) {
      return false;
    }
    ArrayNode conditions = status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
    fill(conditions.addObject(), type, value, reason, message, now);
    return true;
  }

  private static void fill(ObjectNode condition, String type, String value, String reason, String message,
      Instant now) {
    condition.removeAll();
    condition.put("type", type);
    condition.put("status", value);
    condition.put("lastProbeTime", ObjectMeta.timestamp(now));
    condition.put("lastTransitionTime", ObjectMeta.timestamp(now));
    condition.put("reason", reason);
    condition.put("message", message);
  }
}
