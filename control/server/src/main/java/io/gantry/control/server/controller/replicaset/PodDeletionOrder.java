package io.gantry.control.server.controller.replicaset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which pods a ReplicaSet deletes first when it has too many: upstream's {@code ActivePodsWithRanks}
 * ordering (without the logarithmic time buckets). Earlier in the order means deleted sooner:
 * <ol>
 *   <li>not scheduled (no {@code nodeName}) before scheduled;</li>
 *   <li>Pending before Unknown before Running;</li>
 *   <li>not ready before ready;</li>
 *   <li>lower {@code controller.kubernetes.io/pod-deletion-cost} first;</li>
 *   <li>more active pods of the same owner on the pod's node first (doubled up);</li>
 *   <li>ready for less time first;</li>
 *   <li>more container restarts first;</li>
 *   <li>newer first.</li>
 * </ol>
 */
public final class PodDeletionOrder {

  static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

  private PodDeletionOrder() {}

  /** The {@code count} pods to delete from {@code pods}, ranked against {@code related} (same owner). */
  public static List<ObjectNode> pick(List<ObjectNode> pods, Collection<ObjectNode> related, int count) {
    Map<String, Integer> onNode = new HashMap<>();
    for (ObjectNode pod : related) {
      if (Pods.isActive(pod)) {
        onNode.merge(nodeName(pod), 1, Integer::sum);
      }
    }
    Comparator<ObjectNode> order = Comparator
        .comparing((ObjectNode p) -> !nodeName(p).isEmpty())
        .thenComparingInt(PodDeletionOrder::phaseOrdinal)
        .thenComparing(Pods::isReady)
        .thenComparingLong(PodDeletionOrder::deletionCost)
        .thenComparing(p -> -onNode.getOrDefault(nodeName(p), 0))
        .thenComparing(Pods::readySince, PodDeletionOrder::laterOrMissingFirst)
        .thenComparing(p -> -Pods.maxRestarts(p))
        .thenComparing(p -> Pods.instant(ObjectMeta.text(p, "creationTimestamp")), PodDeletionOrder::laterOrMissingFirst);
    return pods.stream().sorted(order).limit(count).toList();
  }

  private static String nodeName(ObjectNode pod) {
    return pod.path("spec").path("nodeName").asText("");
  }

  private static int phaseOrdinal(ObjectNode pod) {
    return switch (Pods.phase(pod)) {
      case "Pending" -> 0;
      case "Unknown" -> 1;
      case "Running" -> 2;
      default -> 0;
    };
  }

  private static long deletionCost(ObjectNode pod) {
    try {
      return Long.parseLong(pod.path("metadata").path("annotations").path(DELETION_COST).asText("0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Upstream's {@code afterOrZero}: a missing time first, then the later time. */
  private static int laterOrMissingFirst(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isPresent(), b.isPresent());
    }
    return b.get().compareTo(a.get());
  }
}
