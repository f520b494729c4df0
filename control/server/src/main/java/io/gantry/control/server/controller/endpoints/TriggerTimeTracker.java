package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream's {@code TriggerTimeTracker}: the {@code endpoints.kubernetes.io/last-change-trigger-time}
 * of a sync is the earliest change among the pods' Ready transitions and the service's creation
 * that happened since the previous sync; a service seen for the first time uses its creation time.
 *
 * <p>Concurrency: safe for concurrent calls on different services; calls for one service are
 * serialized by the work queue.
 */
final class TriggerTimeTracker {

  private record State(Instant service, Map<String, Instant> pods) {}

  private final Map<String, State> states = new ConcurrentHashMap<>();

  /** The trigger time to publish, or null for none (the annotation is then removed). */
  Instant compute(String serviceKey, ObjectNode service, List<ObjectNode> pods) {
    State previous = states.get(serviceKey);
    Map<String, Instant> podTimes = new HashMap<>();
    Instant earliest = null;
    for (ObjectNode pod : pods) {
      Instant time = parse(PodEndpoints.readyTransitionTime(pod));
      if (time == null) {
        continue;
      }
      podTimes.put(ObjectMeta.name(pod), time);
      Instant before = previous == null ? null : previous.pods().get(ObjectMeta.name(pod));
      if (before == null || time.isAfter(before)) {
        earliest = min(earliest, time);
      }
    }
    Instant created = parse(ObjectMeta.text(service, "creationTimestamp"));
    if (created != null && (previous == null || previous.service() == null || created.isAfter(previous.service()))) {
      earliest = min(earliest, created);
    }
    states.put(serviceKey, new State(created, Map.copyOf(podTimes)));
    return previous == null ? created : earliest;
  }

  void forget(String serviceKey) {
    states.remove(serviceKey);
  }

  private static Instant min(Instant current, Instant candidate) {
    return current == null || candidate.isBefore(current) ? candidate : current;
  }

  private static Instant parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
