package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import java.time.Instant;

/**
 * A {@code v1 Binding} posted to {@code pods/{name}/binding}, checked and applied as
 * kube-apiserver's {@code BindingREST}: the Binding's name must be the pod's, {@code target.kind}
 * empty or {@code Node}, {@code target.name} set; optional {@code metadata.uid} and
 * {@code resourceVersion} are preconditions on the pod. Applying it sets {@code spec.nodeName},
 * copies the Binding's annotations and sets the {@code PodScheduled=True} condition. Immutable.
 */
record PodBinding(String podName, String nodeName, String uid, String resourceVersion, JsonNode annotations) {

  private static final String RESOURCE = "pods/binding";

  static PodBinding parse(String podName, ObjectNode binding) throws ApiException {
    JsonNode metadata = binding.path("metadata");
    String name = metadata.path("name").asText("");
    if (!name.isEmpty() && !name.equals(podName)) {
      throw ApiException.badRequest("name in URL does not match name in Binding object");
    }
    String kind = binding.path("target").path("kind").asText("");
    String node = binding.path("target").path("name").asText("");
    if (!kind.isEmpty() && !kind.equals("Node")) {
      throw invalid(podName, "target.kind: Unsupported value: \"" + kind + "\": supported values: \"Node\", \"<empty>\"");
    }
    if (node.isEmpty()) {
      throw invalid(podName, "target.name: Required value");
    }
    return new PodBinding(podName, node, metadata.path("uid").asText(""), metadata.path("resourceVersion").asText(""),
        metadata.path("annotations"));
  }

  private static ApiException invalid(String podName, String error) {
    return new ApiException(422, "Invalid", "Binding \"" + podName + "\" is invalid: " + error, null);
  }

  private static ApiException conflict(String podName, String why) {
    return new ApiException(409, "Conflict",
        "Operation cannot be fulfilled on " + RESOURCE + " \"" + podName + "\": " + why, null);
  }

  /** The pod bound to the node, or a Conflict when it is gone, deleting or already bound. */
  ObjectNode apply(ObjectNode pod, Instant now) throws ApiException {
    if (!uid.isEmpty() && !uid.equals(ObjectMeta.text(pod, "uid"))) {
      throw conflict(podName, "Precondition failed: UID in precondition: " + uid + ", UID in object meta: "
          + ObjectMeta.text(pod, "uid"));
    }
    if (!resourceVersion.isEmpty() && !resourceVersion.equals(ObjectMeta.text(pod, "resourceVersion"))) {
      throw conflict(podName, "the object has been modified; please apply your changes to the latest version "
          + "and try again");
    }
    if (ObjectMeta.isDeleting(pod)) {
      throw conflict(podName, "pod " + podName + " is being deleted, cannot be assigned to a host");
    }
    String current = pod.path("spec").path("nodeName").asText("");
    if (!current.isEmpty()) {
      throw conflict(podName, "pod " + podName + " is already assigned to node \"" + current + "\"");
    }
    ObjectNode bound = pod.deepCopy();
    ObjectNode spec = bound.has("spec") && bound.get("spec").isObject()
        ? (ObjectNode) bound.get("spec") : bound.putObject("spec");
    spec.put("nodeName", nodeName);
    if (annotations.isObject() && !annotations.isEmpty()) {
      ObjectNode metadata = ObjectMeta.metadata(bound);
      ObjectNode target = metadata.has("annotations") && metadata.get("annotations").isObject()
          ? (ObjectNode) metadata.get("annotations") : metadata.putObject("annotations");
      annotations.properties().forEach(e -> target.set(e.getKey(), e.getValue()));
    }
    ObjectNode status = bound.has("status") && bound.get("status").isObject()
        ? (ObjectNode) bound.get("status") : bound.putObject("status");
    setScheduled(status, now);
    return bound;
  }

  /** Sets PodScheduled=True, keeping lastTransitionTime when it already was True. */
  private static void setScheduled(ObjectNode status, Instant now) {
    ArrayNode conditions = status.has("conditions") && status.get("conditions").isArray()
        ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
    for (JsonNode condition : conditions) {
      if ("PodScheduled".equals(condition.path("type").asText()) && condition instanceof ObjectNode c) {
        if (!"True".equals(c.path("status").asText())) {
          c.put("status", "True");
          c.put("lastTransitionTime", ObjectMeta.timestamp(now));
        }
        c.remove("reason");
        c.remove("message");
        c.putNull("lastProbeTime");
        return;
      }
    }
    ObjectNode condition = Json.object();
    condition.put("type", "PodScheduled");
    condition.put("status", "True");
    condition.putNull("lastProbeTime");
    condition.put("lastTransitionTime", ObjectMeta.timestamp(now));
    conditions.add(condition);
  }
}
