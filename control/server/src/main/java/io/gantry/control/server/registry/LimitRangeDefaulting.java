package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The LimitRanger plugin's {@code PodMutateLimitFunc} for one LimitRange: each container and init
 * container takes the limits of the range's Container {@code default} and the requests of its
 * {@code defaultRequest} that it does not name, and the pod's {@value LimitRangerAdmission#ANNOTATION}
 * annotation says what was set ({@code LimitRanger plugin set: cpu, memory request for container web;
 * cpu limit for init container setup}), replacing what an earlier range wrote there.
 */
final class LimitRangeDefaulting {

  private LimitRangeDefaulting() {}

  /** Returns whether anything was set. */
  static boolean apply(JsonNode limitRange, ObjectNode pod) {
    ObjectNode limits = pod.objectNode();
    ObjectNode requests = pod.objectNode();
    for (JsonNode item : limitRange.path("spec").path("limits")) {
      if ("Container".equals(item.path("type").asText())) {
        if (item.path("defaultRequest").isObject()) {
          requests.setAll((ObjectNode) item.get("defaultRequest"));
        }
        if (item.path("default").isObject()) {
          limits.setAll((ObjectNode) item.get("default"));
        }
      }
    }
    List<String> notes = new ArrayList<>();
    ObjectNode spec = Defaults.spec(pod);
    for (JsonNode container : spec.path("containers")) {
      if (container instanceof ObjectNode c) {
        merge(c, limits, requests, "container", notes);
      }
    }
    for (JsonNode container : spec.path("initContainers")) {
      if (container instanceof ObjectNode c) {
        merge(c, limits, requests, "init container", notes);
      }
    }
    if (notes.isEmpty()) {
      return false;
    }
    ObjectNode metadata = ObjectMeta.metadata(pod);
    ObjectNode annotations = metadata.get("annotations") instanceof ObjectNode a ? a : metadata.putObject("annotations");
    annotations.put(LimitRangerAdmission.ANNOTATION, "LimitRanger plugin set: " + String.join("; ", notes));
    return true;
  }

  private static void merge(ObjectNode container, ObjectNode limits, ObjectNode requests, String prefix,
      List<String> notes) {
    List<String> setLimits = fill(container, "limits", limits);
    List<String> setRequests = fill(container, "requests", requests);
    if (!setRequests.isEmpty()) {
      notes.add(String.join(", ", setRequests) + " request for " + prefix + " " + container.path("name").asText());
    }
    if (!setLimits.isEmpty()) {
      notes.add(String.join(", ", setLimits) + " limit for " + prefix + " " + container.path("name").asText());
    }
  }

  /** Sets the defaults the container's list lacks; returns their names, sorted. */
  private static List<String> fill(ObjectNode container, String field, ObjectNode defaults) {
    List<String> set = new ArrayList<>();
    if (defaults.isEmpty()) {
      return set;
    }
    ObjectNode resources = container.get("resources") instanceof ObjectNode r ? r : container.putObject("resources");
    ObjectNode list = resources.get(field) instanceof ObjectNode l ? l : resources.putObject(field);
    defaults.properties().forEach(e -> {
      if (!list.has(e.getKey())) {
        list.set(e.getKey(), e.getValue().deepCopy());
        set.add(e.getKey());
      }
    });
    if (list.isEmpty()) {
      resources.remove(field);
    }
    set.sort(null);
    return set;
  }
}
