package io.gantry.control.server.controller.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.resource.ResourceType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Pod state as the workload controllers judge it (upstream {@code podutil} and {@code controller.IsPodActive}). */
public final class Pods {

  private Pods() {}

  /**
   * A pod from a workload's template, controlled by {@code owner}: upstream's {@code GetPodFromTemplate}
   * (labels, annotations, finalizers and spec of the template; named by the server from {@code generateName}).
   */
  public static ObjectNode fromTemplate(ResourceType ownerType, ObjectNode owner, JsonNode template,
      String generateName) {
    ObjectNode pod = Json.object();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    ObjectNode metadata = pod.putObject("metadata");
    metadata.put("generateName", generateName);
    metadata.put("namespace", ObjectMeta.namespace(owner));
    for (String field : new String[] {"labels", "annotations", "finalizers"}) {
      JsonNode value = template.path("metadata").get(field);
      if (value != null && !value.isNull()) {
        metadata.set(field, value.deepCopy());
      }
    }
    metadata.putArray("ownerReferences").add(OwnerReferences.controllerRef(ownerType, owner));
    JsonNode spec = template.get("spec");
    pod.set("spec", spec == null ? Json.object() : spec.deepCopy());
    return pod;
  }

  /** Neither finished (Succeeded, Failed) nor being deleted: counts toward a ReplicaSet's replicas. */
  public static boolean isActive(ObjectNode pod) {
    String phase = phase(pod);
    return !"Succeeded".equals(phase) && !"Failed".equals(phase) && !ObjectMeta.isDeleting(pod);
  }

  public static String phase(ObjectNode pod) {
    return pod.path("status").path("phase").asText("");
  }

  /** The {@code Ready} condition is {@code True}. */
  public static boolean isReady(ObjectNode pod) {
    return readyCondition(pod).map(c -> "True".equals(c.path("status").asText())).orElse(false);
  }

  /** When the pod became ready, if it is ready and says so. */
  public static Optional<Instant> readySince(ObjectNode pod) {
    if (!isReady(pod)) {
      return Optional.empty();
    }
    return readyCondition(pod).flatMap(c -> instant(c.path("lastTransitionTime").asText("")));
  }

  /** Ready for more than {@code minReadySeconds} at {@code now} (strictly, as upstream's {@code Before}). */
  public static boolean isAvailable(ObjectNode pod, long minReadySeconds, Instant now) {
    if (!isReady(pod)) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    return readySince(pod).map(since -> since.plusSeconds(minReadySeconds).isBefore(now)).orElse(false);
  }

  /** The highest restart count among the pod's containers. */
  public static int maxRestarts(ObjectNode pod) {
    int max = 0;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      max = Math.max(max, status.path("restartCount").asInt(0));
    }
    return max;
  }

  private static Optional<JsonNode> readyCondition(ObjectNode pod) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return Optional.of(condition);
      }
    }
    return Optional.empty();
  }

  public static Optional<Instant> instant(String text) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
