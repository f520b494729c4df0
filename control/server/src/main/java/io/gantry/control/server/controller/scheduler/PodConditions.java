package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.util.Optional;

/**
 * Pod status conditions, set through the {@code status} subresource with a compare-and-swap on
 * resourceVersion (re-read and retried on conflict), as {@code podutil.UpdatePodCondition}:
 * {@code lastTransitionTime} moves only when the status changes, and an unchanged condition is
 * not written.
 */
public final class PodConditions {

  private static final int ATTEMPTS = 8;

  private PodConditions() {}

  /**
   * Sets {@code PodScheduled=False, reason=Unschedulable} with the message; false when the pod
   * is gone or no longer pending (then nothing is written).
   */
  static boolean setScheduledFalse(ObjectRegistry registry, ObjectNode pod, String message, Instant now)
      throws ApiException {
    ObjectNode condition = Json.object();
    condition.put("type", "PodScheduled");
    condition.put("status", "False");
    condition.put("reason", "Unschedulable");
    condition.put("message", message);
    return set(registry, ObjectMeta.namespace(pod), ObjectMeta.name(pod), ObjectMeta.text(pod, "uid"), condition,
        now, true);
  }

  /**
   * Sets one condition on a pod (identified by uid, so a replacement of the same name is left
   * alone); {@code onlyPending} skips pods that got a node meanwhile. True when the pod now has it.
   */
  public static boolean set(ObjectRegistry registry, String namespace, String name, String uid, ObjectNode condition,
      Instant now, boolean onlyPending) throws ApiException {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<ObjectNode> found = registry.find(ResourceTypes.PODS, namespace, name);
      if (found.isEmpty() || !ObjectMeta.text(found.get(), "uid").equals(uid)
          || onlyPending && !Scheduler.pending(found.get())) {
        return false;
      }
      ObjectNode updated = found.get().deepCopy();
      if (!merge(updated, condition, now)) {
        return true;
      }
      try {
        registry.update(ResourceTypes.PODS, namespace, name, updated, "status");
        return true;
      } catch (ApiException e) {
        if (e.code() == 404) {
          return false;
        }
        if (e.code() != 409) {
          throw e;
        }
      }
    }
    throw ApiException.conflict(ResourceTypes.PODS, name, "the pod kept changing while setting its "
        + condition.path("type").asText() + " condition");
  }

  /** Puts the condition into the pod's status; false when it was already so. */
  static boolean merge(ObjectNode pod, ObjectNode condition, Instant now) {
    ObjectNode status = pod.has("status") && pod.get("status").isObject()
        ? (ObjectNode) pod.get("status") : pod.putObject("status");
    ArrayNode conditions = status.has("conditions") && status.get("conditions").isArray()
        ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
    String type = condition.path("type").asText();
    for (JsonNode existing : conditions) {
      if (existing instanceof ObjectNode c && type.equals(c.path("type").asText())) {
        boolean statusChanged = !c.path("status").asText().equals(condition.path("status").asText());
        boolean same = !statusChanged
            && c.path("reason").asText("").equals(condition.path("reason").asText(""))
            && c.path("message").asText("").equals(condition.path("message").asText(""));
        if (same) {
          return false;
        }
        condition.properties().forEach(e -> c.set(e.getKey(), e.getValue()));
        for (String field : new String[] {"reason", "message"}) {
          if (!condition.has(field)) {
            c.remove(field);
          }
        }
        c.putNull("lastProbeTime");
        if (statusChanged || !c.has("lastTransitionTime")) {
          c.put("lastTransitionTime", ObjectMeta.timestamp(now));
        }
        return true;
      }
    }
    ObjectNode added = condition.deepCopy();
    added.putNull("lastProbeTime");
    added.put("lastTransitionTime", ObjectMeta.timestamp(now));
    conditions.add(added);
    return true;
  }
}
