package io.gantry.control.server.controller.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Why no node fits a pod, in kube-scheduler's FitError wording: the reasons counted over the
 * nodes, each {@code "<count> <reason>"}, sorted as strings and joined; then the preemption
 * post-filter's verdict (Gantry never preempts, so nodes that only lack resources report
 * {@code No preemption victims found for incoming pod} and the others
 * {@code Preemption is not helpful for scheduling}). With no nodes at all the message is
 * {@code no nodes available to schedule pods}. Immutable.
 *
 * @param nodeCount    how many nodes were considered
 * @param nodeReasons  for each rejected node, its reasons
 */
public record FitError(int nodeCount, Map<String, List<String>> nodeReasons) {

  public static final String NO_NODES = "no nodes available to schedule pods";

  public FitError {
    nodeReasons = Collections.unmodifiableMap(new TreeMap<>(nodeReasons));
  }

  public String message() {
    if (nodeCount == 0) {
      return NO_NODES;
    }
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, Integer> preemption = new TreeMap<>();
    for (List<String> reasons : nodeReasons.values()) {
      for (String reason : reasons) {
        counts.merge(reason, 1, Integer::sum);
      }
      preemption.merge(NodeFilters.resolvableByPreemption(reasons)
          ? "No preemption victims found for incoming pod" : "Preemption is not helpful for scheduling", 1, Integer::sum);
    }
    return "0/" + nodeCount + " nodes are available: " + joined(counts) + ". preemption: 0/" + nodeCount
        + " nodes are available: " + joined(preemption) + ".";
  }

  private static String joined(Map<String, Integer> counts) {
    List<String> parts = new ArrayList<>();
    counts.forEach((reason, count) -> parts.add(count + " " + reason));
    Collections.sort(parts);
    return String.join(", ", parts);
  }
}
