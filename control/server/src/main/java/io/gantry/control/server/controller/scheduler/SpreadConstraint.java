package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.selector.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * One of a pod's {@code spec.topologySpreadConstraints} as kube-scheduler's PodTopologySpread reads
 * it: the {@code labelSelector} with the pod's own values of the {@code matchLabelKeys} ANDed in
 * (a key the pod lacks adds nothing); no selector selects no pod. {@code minDomains} is 1 when unset,
 * as upstream. A node counts toward the spread when it passes the pod's node affinity
 * ({@code nodeAffinityPolicy: Honor}, the default) and, with {@code nodeTaintsPolicy: Honor}, has
 * no NoSchedule or NoExecute taint the pod does not tolerate ({@code Ignore} is the default).
 *
 * @param selector null when the constraint selects no pod
 */
record SpreadConstraint(String topologyKey, int maxSkew, int minDomains, LabelSelector selector,
    boolean honorsNodeAffinity, boolean honorsNodeTaints) {

  static final String DO_NOT_SCHEDULE = "DoNotSchedule";
  static final String SCHEDULE_ANYWAY = "ScheduleAnyway";

  /** The pod's constraints with the given {@code whenUnsatisfiable}, in order. */
  static List<SpreadConstraint> of(JsonNode pod, String whenUnsatisfiable) {
    List<SpreadConstraint> constraints = new ArrayList<>();
    for (JsonNode c : pod.path("spec").path("topologySpreadConstraints")) {
      if (!whenUnsatisfiable.equals(c.path("whenUnsatisfiable").asText())) {
        continue;
      }
      constraints.add(new SpreadConstraint(c.path("topologyKey").asText(""), c.path("maxSkew").asInt(1),
          c.path("minDomains").asInt(1), selector(pod, c),
          !c.path("nodeAffinityPolicy").asText("Honor").equals("Ignore"),
          c.path("nodeTaintsPolicy").asText("Ignore").equals("Honor")));
    }
    return constraints;
  }

  private static LabelSelector selector(JsonNode pod, JsonNode constraint) {
    JsonNode selector = constraint.get("labelSelector");
    if (selector == null || !selector.isObject()) {
      return null;
    }
    ObjectNode merged = selector.deepCopy();
    JsonNode podLabels = pod.path("metadata").path("labels");
    for (JsonNode key : constraint.path("matchLabelKeys")) {
      JsonNode value = podLabels.get(key.asText());
      if (value != null && !value.isNull()) {
        ArrayNode expressions = merged.get("matchExpressions") instanceof ArrayNode a ? a
            : merged.putArray("matchExpressions");
        ObjectNode expression = expressions.addObject().put("key", key.asText()).put("operator", "In");
        expression.putArray("values").add(value.asText());
      }
    }
    try {
      return LabelSelector.fromJson(merged);
    } catch (IllegalArgumentException e) {
      return null; // validation refuses such a pod; one stored before selects nothing
    }
  }

  /** Whether the constraint selects a pod by its labels. */
  boolean selects(JsonNode pod) {
    return selector != null && selector.matches(pod.path("metadata").path("labels"));
  }

  /** Whether a placed pod counts toward the spread: same namespace, not terminating, selected. */
  boolean counts(ObjectNode placed, String namespace) {
    return ObjectMeta.namespace(placed).equals(namespace) && !ObjectMeta.isDeleting(placed) && selects(placed);
  }

  /** Whether the node's domain is eligible for the pod under the node inclusion policies. */
  boolean includes(JsonNode pod, NodeInfo info) {
    if (honorsNodeAffinity && !NodeAffinity.matches(pod, info.node())) {
      return false;
    }
    return !honorsNodeTaints || Tolerations.firstUntolerated(pod, NodeFilters.taints(info)).isEmpty();
  }
}
