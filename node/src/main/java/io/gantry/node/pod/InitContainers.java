package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the kubelet derives from a pod's init containers: which are native sidecars
 * ({@code restartPolicy: Always}), the waiting reason of containers not yet created
 * ({@code PodInitializing} in a pod with init containers), and the {@code Initialized} condition
 * computed from the statuses the worker reports, as the kubelet's
 * {@code GeneratePodInitializedCondition} does.
 */
final class InitContainers {

  /** A pod condition: status True/False, with the reason and message Kubernetes gives (or null). */
  record Condition(boolean value, String reason, String message) {}

  private InitContainers() {}

  /** A native sidecar: an init container that keeps running beside the app containers. */
  static boolean sidecar(JsonNode container) {
    return "Always".equals(container.path("restartPolicy").asText());
  }

  /** The waiting reason of a container the kubelet has not created yet. */
  static String defaultWaitingReason(JsonNode podSpec) {
    return podSpec.path("initContainers").isEmpty() ? "ContainerCreating" : "PodInitializing";
  }

  /**
   * {@code Initialized}: True without init containers, once every regular init container
   * completed with exit code 0 and every sidecar started, or once any app container ran;
   * otherwise False with reason {@code ContainersNotInitialized}.
   */
  static Condition initialized(JsonNode podSpec, JsonNode initStatuses, JsonNode statuses, String phase) {
    JsonNode inits = podSpec.path("initContainers"); // none: True, and PodCompleted once Succeeded
    List<String> unknown = new ArrayList<>();
    List<String> incomplete = new ArrayList<>();
    for (JsonNode init : inits) {
      String name = init.path("name").asText();
      JsonNode status = find(initStatuses, name);
      if (status == null) {
        unknown.add(name);
      } else if (!(sidecar(init) ? status.path("started").asBoolean() : status.path("ready").asBoolean())) {
        incomplete.add(name);
      }
    }
    if ("Succeeded".equals(phase) && unknown.isEmpty()) {
      return new Condition(true, "PodCompleted", null);
    }
    for (JsonNode status : statuses) {
      if (status.path("state").has("running") || status.path("state").has("terminated")) {
        return new Condition(true, null, null); // initialized before: sidecars may be restarting
      }
    }
    List<String> messages = new ArrayList<>();
    if (!unknown.isEmpty()) {
      messages.add("containers with unknown status: " + goList(unknown));
    }
    if (!incomplete.isEmpty()) {
      messages.add("containers with incomplete status: " + goList(incomplete));
    }
    return messages.isEmpty() ? new Condition(true, null, null)
        : new Condition(false, "ContainersNotInitialized", String.join(", ", messages));
  }

  /** A list as Go's {@code %s} prints a {@code []string}: {@code [a b]}. */
  static String goList(List<String> names) {
    return "[" + String.join(" ", names) + "]";
  }

  private static JsonNode find(JsonNode statuses, String name) {
    for (JsonNode status : statuses) {
      if (name.equals(status.path("name").asText())) {
        return status;
      }
    }
    return null;
  }
}
