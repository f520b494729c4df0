package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.util.List;

/**
 * One node as the scheduler sees it in a snapshot: the node object, what it can give
 * ({@code status.allocatable}, falling back to {@code status.capacity}; null when the node reports
 * neither, which the filters treat as unlimited) and the pods bound to it with what they request.
 * Immutable; the node and pod objects are shared and must not be modified.
 */
public record NodeInfo(ObjectNode node, Resources allocatable, Resources requested, List<ObjectNode> pods) {

  public NodeInfo {
    pods = List.copyOf(pods);
  }

  public String name() {
    return ObjectMeta.name(node);
  }

  /** Builds the info of one node from the non-terminal pods bound to it. */
  public static NodeInfo of(ObjectNode node, List<ObjectNode> pods) {
    Resources requested = Resources.ZERO;
    for (ObjectNode pod : pods) {
      requested = requested.plus(PodRequests.of(pod));
    }
    JsonNode status = node.path("status");
    JsonNode allocatable = status.path("allocatable");
    if (!allocatable.isObject() || allocatable.isEmpty()) {
      allocatable = status.path("capacity");
    }
    Resources limit = allocatable.isObject() && !allocatable.isEmpty() ? Resources.fromMap(allocatable) : null;
    return new NodeInfo(node, limit, requested, pods);
  }

  /** The status of the node's Ready condition: True, False, Unknown, or "" when it has none. */
  public String readyStatus() {
    for (JsonNode condition : node.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return condition.path("status").asText("");
      }
    }
    return "";
  }
}
