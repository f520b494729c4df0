package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Pod readiness gates, as the kubelet's {@code GeneratePodReadyCondition} reads them: a pod whose
 * containers are ready is Ready only when every condition its {@code spec.readinessGates} name is
 * True in its status. Other controllers set those conditions; the agent's status writes merge its
 * own conditions by type and leave theirs ({@link StatusWriter}).
 */
final class ReadinessGates {

  static final String REASON = "ReadinessGatesNotReady";

  private ReadinessGates() {}

  /** Why the gates hold the pod back, in the kubelet's words; empty when they do not. */
  static String unready(JsonNode pod) {
    List<String> messages = new ArrayList<>();
    for (JsonNode gate : pod.path("spec").path("readinessGates")) {
      String type = gate.path("conditionType").asText();
      JsonNode condition = find(pod.path("status").path("conditions"), type);
      if (condition == null) {
        messages.add("corresponding condition of pod readiness gate \"" + type + "\" does not exist.");
      } else if (!condition.path("status").asText().equals("True")) {
        messages.add("the status of pod readiness gate \"" + type + "\" is not \"True\", but "
            + condition.path("status").asText());
      }
    }
    return String.join(", ", messages);
  }

  private static JsonNode find(JsonNode conditions, String type) {
    for (JsonNode condition : conditions) {
      if (condition.path("type").asText().equals(type)) {
        return condition;
      }
    }
    return null;
  }
}
