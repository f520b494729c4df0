package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Picks a node for one pod from a snapshot: runs {@link NodeFilters}, then the
 * {@link PodTopologySpread} and {@link InterPodAffinity} filters (upstream's order) on every node,
 * then scores the feasible ones. Scoring prefers the node whose domains are least crowded under the
 * pod's {@code ScheduleAnyway} spread constraints, then spreads the pods of one owner (the
 * controller ownerReference's uid; for ownerless pods, the pods of the namespace with the same
 * labels): fewest such pods first, then fewest pods overall, then the least requested share of cpu
 * and memory after placing the pod, then the node name, so the choice is deterministic. Stateless.
 */
public final class SchedulingAlgorithm {

  /** The outcome: a node name, or the reasons nothing fits. */
  public record Decision(String nodeName, FitError error) {
    public boolean scheduled() {
      return nodeName != null;
    }
  }

  private SchedulingAlgorithm() {}

  public static Decision schedule(ObjectNode pod, List<NodeInfo> nodes) {
    Objects.requireNonNull(pod, "pod");
    Resources request = PodRequests.of(pod);
    PodTopologySpread spread = PodTopologySpread.of(pod, nodes);
    InterPodAffinity podAffinity = InterPodAffinity.of(pod, nodes);
    Map<String, List<String>> rejected = new LinkedHashMap<>();
    NodeInfo best = null;
    Score bestScore = null;
    for (NodeInfo info : nodes) {
      List<String> reasons = NodeFilters.reasons(pod, request, info);
      if (reasons.isEmpty()) {
        reasons = spread.reason(info).or(() -> podAffinity.reason(info)).map(List::of).orElse(List.of());
      }
      if (!reasons.isEmpty()) {
        rejected.put(info.name(), reasons);
        continue;
      }
      Score score = score(pod, request, info, spread);
      if (bestScore == null || Score.ORDER.compare(score, bestScore) < 0) {
        best = info;
        bestScore = score;
      }
    }
    return best != null ? new Decision(best.name(), null) : new Decision(null, new FitError(nodes.size(), rejected));
  }

  private record Score(long crowding, int siblings, int pods, double requestedShare, String name) {
    static final Comparator<Score> ORDER = Comparator.comparingLong(Score::crowding)
        .thenComparingInt(Score::siblings)
        .thenComparingInt(Score::pods)
        .thenComparingDouble(Score::requestedShare)
        .thenComparing(Score::name);
  }

  private static Score score(ObjectNode pod, Resources request, NodeInfo info, PodTopologySpread spread) {
    int siblings = 0;
    for (ObjectNode other : info.pods()) {
      if (sameOwner(pod, other)) {
        siblings++;
      }
    }
    double share = 0;
    Resources allocatable = info.allocatable();
    if (allocatable != null) {
      share = (fraction(info.requested().milliCpu() + request.milliCpu(), allocatable.milliCpu())
          + fraction(info.requested().memory() + request.memory(), allocatable.memory())) / 2;
    }
    return new Score(spread.crowding(info), siblings, info.pods().size(), share, info.name());
  }

  private static double fraction(long used, long total) {
    return total <= 0 ? 0 : (double) used / total;
  }

  /** Whether two pods belong to the same owner, for spreading. */
  static boolean sameOwner(JsonNode pod, JsonNode other) {
    String owner = controllerUid(pod);
    if (!owner.isEmpty()) {
      return owner.equals(controllerUid(other));
    }
    return controllerUid(other).isEmpty()
        && ObjectMeta.namespace((ObjectNode) pod).equals(ObjectMeta.namespace((ObjectNode) other))
        && pod.path("metadata").path("labels").equals(other.path("metadata").path("labels"));
  }

  static String controllerUid(JsonNode pod) {
    for (JsonNode reference : pod.path("metadata").path("ownerReferences")) {
      if (reference.path("controller").asBoolean(false)) {
        return reference.path("uid").asText("");
      }
    }
    return "";
  }
}
