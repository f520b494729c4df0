package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
    if (found.isPresent() && (uid == null || uid.equals(ObjectMeta.text(found.get(), "uid")))) {
      mark(registry, found.get(), reason, message);
    }
  }

  /**
   * The eviction API's addConditionAndDeletePod: marks the pod if it still meets the delete's
   * preconditions (409 otherwise), and returns the options to delete it with, a resourceVersion
   * precondition moved to the version the mark wrote.
   */
  public static DeleteOptions markEvicted(ObjectRegistry registry, String namespace, String name, DeleteOptions options)
      throws ApiException {
    ObjectNode pod = registry.get(ResourceTypes.PODS, namespace, name);
    String uid = ObjectMeta.text(pod, "uid");
    String version = ObjectMeta.text(pod, "resourceVersion");
    if (options.preconditionUid() != null && !options.preconditionUid().isEmpty()
        && !options.preconditionUid().equals(uid)) {
      throw conflict(name, "the UID in the precondition (" + options.preconditionUid() + ") does not match the UID"
          + " in record (" + uid + "). The object might have been deleted and then recreated");
    }
    if (options.preconditionVersion() != null && !options.preconditionVersion().isEmpty()
        && !options.preconditionVersion().equals(version)) {
      throw conflict(name, "the ResourceVersion in the precondition (" + options.preconditionVersion() + ") does not"
          + " match the ResourceVersion in record (" + version + "). The object might have been modified");
    }
    Optional<ObjectNode> marked = mark(registry, pod, "EvictionByEvictionAPI", "Eviction API: evicting");
    return marked.isPresent() && options.preconditionVersion() != null
        ? options.withPreconditionVersion(ObjectMeta.text(marked.get(), "resourceVersion")) : options;
  }

  /** The eviction handler's conflict, which names the resource {@code Pod} (its GroupResource is spelled so). */
  private static ApiException conflict(String name, String why) {
    ObjectNode details = JsonNodeFactory.instance.objectNode().put("name", name).put("kind", "Pod");
    return new ApiException(409, "Conflict", "Operation cannot be fulfilled on Pod \"" + name + "\": " + why, details);
  }

  /** The pod as written with the condition, or empty when it needed none. */
  private static Optional<ObjectNode> mark(ObjectRegistry registry, ObjectNode found, String reason, String message)
      throws ApiException {
    ObjectNode pod = found.deepCopy();
    String phase = pod.path("status").path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return Optional.empty();
    }
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if (condition.path("type").asText().equals("DisruptionTarget") && condition.path("status").asText().equals("True")) {
        return Optional.empty();
      }
    }
    pod.withObjectProperty("status").withArrayProperty("conditions").addObject().put("type", "DisruptionTarget")
        .put("status", "True").putNull("lastProbeTime")
        .put("lastTransitionTime", ObjectMeta.timestamp(registry.clock().instant()))
        .put("reason", reason).put("message", message);
    return Optional.of(registry.update(ResourceTypes.PODS, ObjectMeta.namespace(pod), ObjectMeta.name(pod), pod,
        "status"));
  }
}
