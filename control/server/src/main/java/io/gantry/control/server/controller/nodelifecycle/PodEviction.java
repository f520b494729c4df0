package io.gantry.control.server.controller.nodelifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.controller.scheduler.Tolerations;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.PodDisruption;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.FieldSelector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to the pods of a node that is not Ready, as upstream's {@code MarkPodsNotReady}
 * and taint-based eviction:
 * <ul>
 *   <li>their Ready condition becomes False (only the status; reason and message are kept);</li>
 *   <li>each is deleted once the node's NoExecute readiness taint is older than the pod tolerates:
 *       a matching toleration's {@code tolerationSeconds}, forever for a matching toleration
 *       without it, and {@code podEvictionTimeout} for pods with none (the DefaultTolerationSeconds
 *       admission plugin gives every pod that toleration upstream);</li>
 * </ul>
 * A deleted pod stays Terminating while its node is away, however long: only its node agent may
 * confirm that it stopped (or the Node's deletion, through the pod garbage collector), as upstream's
 * node controller has not force-deleted since 1.5, which would let two copies of a pod run at once.
 * Stateless apart from the registry; called by {@link NodeLifecycleController} on its thread.
 */
final class PodEviction {

  private static final Logger log = LoggerFactory.getLogger(PodEviction.class);
  private static final int ATTEMPTS = 8;

  private final ObjectRegistry registry;
  private final Clock clock;
  private final Duration podEvictionTimeout;
  private final EventRecorder events;

  PodEviction(ObjectRegistry registry, Clock clock, Duration podEvictionTimeout) {
    this.registry = registry;
    this.clock = clock;
    this.podEvictionTimeout = podEvictionTimeout;
    this.events = new EventRecorder(registry, clock, "taint-eviction-controller");
  }

  void process(ObjectNode node, JsonNode noExecuteTaint) throws ApiException {
    String nodeName = ObjectMeta.name(node);
    Instant now = clock.instant();
    FieldSelector onNode = FieldSelector.parse("spec.nodeName=" + nodeName);
    for (ObjectNode pod : registry.list(ResourceTypes.PODS, null, null, onNode, 0, null).items()) {
      String namespace = ObjectMeta.namespace(pod);
      String name = ObjectMeta.name(pod);
      if (ObjectMeta.isDeleting(pod)) {
        continue;
      }
      if (readyTrue(pod)) {
        markNotReady(namespace, name, ObjectMeta.text(pod, "uid"), now);
      }
      if (noExecuteTaint != null && evictionDue(pod, noExecuteTaint, now)) {
        evict(pod, "node " + nodeName + " is not ready");
      }
    }
  }

  private boolean evictionDue(JsonNode pod, JsonNode taint, Instant now) {
    Instant added = NodeHealth.time(taint.path("timeAdded"));
    if (added == null) {
      added = now;
    }
    Optional<JsonNode> toleration = Tolerations.find(pod, taint);
    Duration allowed;
    if (toleration.isEmpty()) {
      allowed = podEvictionTimeout;
    } else if (toleration.get().path("tolerationSeconds").canConvertToLong()) {
      allowed = Duration.ofSeconds(Math.max(0, toleration.get().path("tolerationSeconds").asLong()));
    } else {
      return false;
    }
    return !now.isBefore(added.plus(allowed));
  }

  /** Deletes the pod (if it is still the same one) with the taint manager's event. */
  void evict(ObjectNode pod, String why) {
    String namespace = ObjectMeta.namespace(pod);
    String name = ObjectMeta.name(pod);
    try {
      PodDisruption.mark(registry, namespace, name, ObjectMeta.text(pod, "uid"), "DeletionByTaintManager",
          "Taint manager: deleting due to NoExecute taint");
      registry.delete(ResourceTypes.PODS, namespace, name,
          new DeleteOptions(null, ObjectMeta.text(pod, "uid"), null, null));
      log.info("evicted pod {}/{}: {}", namespace, name, why);
      events.record(pod, "Normal", "TaintManagerEviction", "Marking for deletion Pod " + namespace + "/" + name);
    } catch (ApiException e) {
      if (e.code() != 404 && e.code() != 409) {
        log.warn("cannot evict pod {}/{}: {}", namespace, name, e.getMessage());
      }
    }
  }

  /** Whether the pod has a Ready condition that is not False (the only ones to update). */
  private static boolean readyTrue(JsonNode pod) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return !"False".equals(condition.path("status").asText());
      }
    }
    return false;
  }

  /** Sets the pod's Ready condition to False, if it has one that is not False already. */
  private void markNotReady(String namespace, String name, String uid, Instant now) throws ApiException {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<ObjectNode> found = registry.find(ResourceTypes.PODS, namespace, name);
      if (found.isEmpty() || !ObjectMeta.text(found.get(), "uid").equals(uid)) {
        return;
      }
      ObjectNode pod = found.get().deepCopy();
      ObjectNode ready = null;
      for (JsonNode condition : pod.path("status").path("conditions")) {
        if (condition instanceof ObjectNode c && "Ready".equals(c.path("type").asText())) {
          ready = c;
        }
      }
      if (ready == null || "False".equals(ready.path("status").asText())) {
        return;
      }
      ready.put("status", "False");
      ready.put("lastTransitionTime", ObjectMeta.timestamp(now));
      try {
        registry.update(ResourceTypes.PODS, namespace, name, pod, "status");
        return;
      } catch (ApiException e) {
        if (e.code() == 404) {
          return;
        }
        if (e.code() != 409) {
          throw e;
        }
      }
    }
  }
}
