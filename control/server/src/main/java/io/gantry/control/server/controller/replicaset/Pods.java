package io.gantry.control.server.controller.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Pod state as the workload controllers judge it (upstream {@code podutil} and {@code controller.IsPodActive}). */
public final class Pods {

  private Pods() {}

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

  static Optional<Instant> instant(String text) {
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
