package io.gantry.control.server.controller.nodelifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.scheduler.Tolerations;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.FieldSelector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The NoExecute taints the node lifecycle does not own ({@code kubectl taint nodes n key=value:NoExecute}),
 * as upstream's taint eviction controller applies them: a pod that does not tolerate one of them
 * is evicted at once; one that tolerates all of them is evicted after the smallest
 * {@code tolerationSeconds} of the tolerations it uses, counted from when the controller first saw
 * it due (never, when none of them has seconds). Removing the taint, or adding the toleration,
 * before then cancels the eviction. The readiness taints are {@link PodEviction}'s.
 *
 * <p>Concurrency: called from the node lifecycle controller's single thread only.
 */
final class TaintEviction {

  private final ObjectRegistry registry;
  private final Clock clock;
  private final PodEviction eviction;
  /** Pod uid -> when this controller first found the pod bound for eviction. */
  private final Map<String, Instant> dueSince = new HashMap<>();

  TaintEviction(ObjectRegistry registry, Clock clock, PodEviction eviction) {
    this.registry = registry;
    this.clock = clock;
    this.eviction = eviction;
  }

  void process(List<ObjectNode> nodes) throws ApiException {
    Instant now = clock.instant();
    Set<String> stillDue = new HashSet<>();
    for (ObjectNode node : nodes) {
      List<JsonNode> taints = new ArrayList<>();
      for (JsonNode taint : node.path("spec").path("taints")) {
        if ("NoExecute".equals(taint.path("effect").asText()) && !NodeTaints.owned(taint)) {
          taints.add(taint);
        }
      }
      if (taints.isEmpty()) {
        continue;
      }
      FieldSelector onNode = FieldSelector.parse("spec.nodeName=" + ObjectMeta.name(node));
      for (ObjectNode pod : registry.list(ResourceTypes.PODS, null, null, onNode, 0, null).items()) {
        Optional<Duration> allowed = allowed(pod, taints);
        if (ObjectMeta.isDeleting(pod) || allowed.isEmpty()) {
          continue;
        }
        String uid = ObjectMeta.text(pod, "uid");
        stillDue.add(uid);
        Instant since = dueSince.computeIfAbsent(uid, k -> now);
        if (!now.isBefore(since.plus(allowed.get()))) {
          eviction.evict(pod, "its node " + ObjectMeta.name(node) + " has a NoExecute taint it does not tolerate");
        }
      }
    }
    dueSince.keySet().retainAll(stillDue);
  }

  /**
   * How long the pod may stay: zero when a taint is not tolerated, else the smallest
   * tolerationSeconds of the tolerations used; empty when it may stay for good.
   */
  private static Optional<Duration> allowed(JsonNode pod, List<JsonNode> taints) {
    Duration least = null;
    for (JsonNode taint : taints) {
      Optional<JsonNode> toleration = Tolerations.find(pod, taint);
      if (toleration.isEmpty()) {
        return Optional.of(Duration.ZERO);
      }
      JsonNode seconds = toleration.get().path("tolerationSeconds");
      if (seconds.canConvertToLong()) {
        Duration d = Duration.ofSeconds(Math.max(0, seconds.asLong()));
        least = least == null || d.compareTo(least) < 0 ? d : least;
      }
    }
    return Optional.ofNullable(least);
  }
}
