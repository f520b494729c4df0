package io.gantry.control.server.controller.nodelifecycle;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orphaned-pod pass of kube-controller-manager's pod garbage collector: a pod bound to a node
 * that has been missing for the quarantine time (40 s, so that a node still registering is not
 * mistaken for a deleted one) is marked Failed with a {@code DisruptionTarget} condition
 * ({@code DeletionByPodGC}) and deleted at once, as no node agent will ever finish it.
 *
 * <p>Concurrency: called from the node lifecycle controller's single thread only.
 */
final class OrphanedPods {

  static final Duration QUARANTINE = Duration.ofSeconds(40);
  private static final Logger log = LoggerFactory.getLogger(OrphanedPods.class);

  private final ObjectRegistry registry;
  private final Clock clock;
  /** Missing node name -> when a pod bound to it was first seen without it. */
  private final Map<String, Instant> missingSince = new HashMap<>();

  OrphanedPods(ObjectRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  void process(Set<String> nodes) throws ApiException {
    Instant now = clock.instant();
    Map<String, Instant> stillMissing = new HashMap<>();
    for (ObjectNode pod : registry.list(ResourceTypes.PODS, null, null, null, 0, null).items()) {
      String node = pod.path("spec").path("nodeName").asText("");
      if (node.isEmpty() || nodes.contains(node)) {
        continue;
      }
      Instant since = missingSince.getOrDefault(node, now);
      stillMissing.put(node, since);
      if (!now.isBefore(since.plus(QUARANTINE))) {
        collect(pod, node);
      }
    }
    missingSince.clear();
    missingSince.putAll(stillMissing);
  }

  private void collect(ObjectNode pod, String node) throws ApiException {
    String namespace = ObjectMeta.namespace(pod);
    String name = ObjectMeta.name(pod);
    String phase = pod.path("status").path("phase").asText("");
    try {
      if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
        ObjectNode failed = pod.deepCopy();
        ObjectNode status = failed.withObjectProperty("status");
        status.put("phase", "Failed");
        ArrayNode conditions = status.withArrayProperty("conditions");
        conditions.addObject().put("type", "DisruptionTarget").put("status", "True")
            .put("lastTransitionTime", ObjectMeta.timestamp(clock.instant())).put("reason", "DeletionByPodGC")
            .put("message", "PodGC: node no longer exists");
        registry.update(ResourceTypes.PODS, namespace, name, failed, "status");
      }
      registry.forceDelete(ResourceTypes.PODS, namespace, name);
      log.info("pod {}/{} deleted: its node {} no longer exists", namespace, name, node);
    } catch (ApiException e) {
      if (e.code() != 404 && e.code() != 409) {
        throw e;
      }
    }
  }
}
