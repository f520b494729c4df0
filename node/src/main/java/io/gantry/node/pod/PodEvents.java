package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.node.api.KubeClient;
import io.gantry.node.api.KubeletEvents;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events about pods as the kubelet does (source {@code kubelet} on this node,
 * {@code involvedObject.fieldPath} naming the container), e.g. {@code Started container web}. An
 * event the same as one recorded in the last 10 minutes (same pod, container, type, reason and
 * message, client-go's aggregation key) raises that one's {@code count} and {@code lastTimestamp}
 * instead, so a probe failing every few seconds is one event counting up. Events are posted in
 * order on one virtual thread; failures are logged, never thrown: events are best effort and
 * must not hold up the pod loop.
 */
final class PodEvents {

  private static final Logger log = LoggerFactory.getLogger(PodEvents.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);
  private static final int REMEMBERED = 1024;

  private final KubeClient api;
  private final String nodeName;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();
  private final ExecutorService poster =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("pod-events").factory());
  /** Recent events by aggregation key, least recently recorded first. */
  private final Map<String, Recorded> recent = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
      return size() > REMEMBERED;
    }
  };

  /** An event already posted: where it is, how often it happened, since when it is counted. */
  private static final class Recorded {
    final String path;
    final Instant first;
    int count = 1;

    Recorded(String path, Instant first) {
      this.path = path;
      this.first = first;
    }
  }

  PodEvents(KubeClient api, String nodeName, Clock clock) {
    this.api = api;
    this.nodeName = nodeName;
    this.clock = clock;
  }

  /** Records an event about container {@code container} (or the whole pod when null). */
  void record(JsonNode pod, String container, String type, String reason, String message) {
    ObjectNode event = event(pod, container, type, reason, message);
    String namespace = event.path("metadata").path("namespace").asText();
    String key = pod.path("metadata").path("uid").asText() + '\0' + container + '\0' + type + '\0' + reason + '\0'
        + message;
    Instant now = clock.instant();
    ObjectNode patch;
    String path;
    synchronized (recent) {
      Recorded seen = recent.get(key);
      if (seen != null && now.isBefore(seen.first.plus(AGGREGATION_WINDOW))) {
        seen.count++;
        path = seen.path;
        patch = F.objectNode().put("count", seen.count).put("lastTimestamp", event.path("lastTimestamp").asText());
      } else {
        path = "/api/v1/namespaces/" + KubeClient.q(namespace) + "/events/"
            + KubeClient.q(event.path("metadata").path("name").asText());
        recent.put(key, new Recorded(path, now));
        patch = null;
      }
    }
    poster.execute(() -> {
      try {
        if (patch == null) {
          api.create("/api/v1/namespaces/" + KubeClient.q(namespace) + "/events", event);
        } else {
          api.mergePatch(path, patch);
        }
      } catch (IOException | RuntimeException e) {
        log.debug("node {}: cannot record event {} for pod {}/{}: {}", nodeName, reason, namespace,
            pod.path("metadata").path("name").asText(), e.toString());
      }
    });
  }

  private ObjectNode event(JsonNode pod, String container, String type, String reason, String message) {
    JsonNode meta = pod.path("metadata");
    ObjectNode involved = F.objectNode();
    involved.put("kind", "Pod");
    involved.put("namespace", meta.path("namespace").asText());
    involved.put("name", meta.path("name").asText());
    involved.put("uid", meta.path("uid").asText());
    involved.put("apiVersion", "v1");
    involved.put("resourceVersion", meta.path("resourceVersion").asText());
    if (container != null) {
      boolean init = false;
      for (JsonNode c : pod.path("spec").path("initContainers")) {
        init |= container.equals(c.path("name").asText());
      }
      involved.put("fieldPath", (init ? "spec.initContainers{" : "spec.containers{") + container + "}");
    }
    return KubeletEvents.event(nodeName, involved, meta.path("namespace").asText(), meta.path("name").asText(), type,
        reason, message, clock.instant(), sequence.getAndIncrement());
  }
}
