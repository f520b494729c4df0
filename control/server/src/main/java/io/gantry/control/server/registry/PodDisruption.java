package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Optional;

/**
 * The {@code DisruptionTarget} condition upstream writes on a pod before a disruption deletes it
 * (the eviction API, the taint manager), so that Job failure policies and tools can tell why it
 * went. Not on a pod already terminal, nor twice.
 */
public final class PodDisruption {

  private PodDisruption() {}

  /** Marks the pod, if it is still the one with {@code uid} (null: any); a pod already gone is left. */
  public static void mark(ObjectRegistry registry, String namespace, String name, String uid, String reason,
      String message) throws ApiException {
    Optional<ObjectNode> found = registry.find(ResourceTypes.PODS, namespace, name);
    if (found.isEmpty() || uid != null && !uid.equals(ObjectMeta.text(found.get(), "uid"))) {
      return;
    }
    ObjectNode pod = found.get().deepCopy();
    String phase = pod.path("status").path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return;
    }
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if (condition.path("type").asText().equals("DisruptionTarget") && condition.path("status").asText().equals("True")) {
        return;
      }
    }
    pod.withObjectProperty("status").withArrayProperty("conditions").addObject().put("type", "DisruptionTarget")
        .put("status", "True").putNull("lastProbeTime")
        .put("lastTransitionTime", ObjectMeta.timestamp(registry.clock().instant()))
        .put("reason", reason).put("message", message);
    registry.update(ResourceTypes.PODS, namespace, name, pod, "status");
  }
}
