package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;

/**
 * The NodeAffinity filter: the pod's {@code nodeSelector} (every label equal) and its required
 * node affinity ({@code nodeSelectorTerms} are ORed; within a term, {@code matchExpressions} with
 * In, NotIn, Exists, DoesNotExist, Gt, Lt and {@code matchFields} on {@code metadata.name} are ANDed).
 */
public final class NodeAffinity {

  private NodeAffinity() {}

  public static boolean matches(JsonNode pod, ObjectNode node) {
    JsonNode labels = node.path("metadata").path("labels");
    var selector = pod.path("spec").path("nodeSelector").properties().iterator();
    while (selector.hasNext()) {
      var entry = selector.next();
      if (!labels.has(entry.getKey()) || !labels.get(entry.getKey()).asText().equals(entry.getValue().asText())) {
        return false;
      }
    }
    JsonNode required = pod.path("spec").path("affinity").path("nodeAffinity")
        .path("requiredDuringSchedulingIgnoredDuringExecution");
    if (required.isMissingNode() || required.isNull()) {
      return true;
    }
    for (JsonNode term : required.path("nodeSelectorTerms")) {
      if (termMatches(term, labels, ObjectMeta.name(node))) {
        return true;
      }
    }
    return false;
  }

  private static boolean termMatches(JsonNode term, JsonNode labels, String nodeName) {
    if (term.path("matchExpressions").isEmpty() && term.path("matchFields").isEmpty()) {
      return false;
    }
    for (JsonNode expression : term.path("matchExpressions")) {
      String key = expression.path("key").asText();
      JsonNode value = labels.get(key);
      if (!requirementMatches(expression, value == null ? null : value.asText())) {
        return false;
      }
    }
    for (JsonNode field : term.path("matchFields")) {
      if (!"metadata.name".equals(field.path("key").asText()) || !requirementMatches(field, nodeName)) {
        return false;
      }
    }
    return true;
  }

  private static boolean requirementMatches(JsonNode requirement, String value) {
    JsonNode values = requirement.path("values");
    return switch (requirement.path("operator").asText()) {
      case "In" -> value != null && contains(values, value);
      case "NotIn" -> value == null || !contains(values, value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      case "Gt" -> compare(value, values) > 0;
      case "Lt" -> compare(value, values) < 0;
      default -> false;
    };
  }

  private static boolean contains(JsonNode values, String value) {
    for (JsonNode v : values) {
      if (v.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** Sign of label minus the single value, both integers; 0 (no match) when either is not. */
  private static int compare(String label, JsonNode values) {
    if (label == null || values.size() != 1) {
      return 0;
    }
    try {
      return Long.compare(Long.parseLong(label), Long.parseLong(values.get(0).asText()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
