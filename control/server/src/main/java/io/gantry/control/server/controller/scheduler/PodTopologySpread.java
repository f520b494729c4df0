package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kube-scheduler's PodTopologySpread plugin for the pod's own {@code topologySpreadConstraints}
 * (no cluster-level default constraints). A topology domain is a value of the constraint's
 * {@code topologyKey} on the nodes; its count is the pods there that the constraint selects (see
 * {@link SpreadConstraint}), over the nodes that carry every topology key of the constraints of that
 * kind and that the constraint includes.
 *
 * <p>Filter, for the {@code DoNotSchedule} constraints: a node without the topology key is rejected
 * ({@link #REASON_MISSING_LABEL}); so is a node where the domain's count, plus one if the constraint
 * selects the pod itself, minus the smallest count of any domain (0 when there are fewer domains
 * than {@code minDomains}) exceeds {@code maxSkew} ({@link #REASON}).
 *
 * <p>Score, for the {@code ScheduleAnyway} constraints: simpler than upstream's weighted, normalised
 * score, it is the sum over those constraints of the count of the node's domain, lower being better,
 * and a node missing one of their topology keys is the worst. Built once per pod to place.
 */
final class PodTopologySpread {

  static final String REASON = "node(s) didn't match pod topology spread constraints";
  static final String REASON_MISSING_LABEL = REASON + " (missing required label)";

  /** Constraints of one kind and, for each, the selected pods per domain. */
  private record Domains(List<SpreadConstraint> constraints, List<Map<String, Integer>> counts) {

    static Domains count(JsonNode pod, List<SpreadConstraint> constraints, List<NodeInfo> nodes) {
      List<Map<String, Integer>> counts = new ArrayList<>();
      constraints.forEach(c -> counts.add(new HashMap<>()));
      String namespace = ObjectMeta.namespace((ObjectNode) pod);
      for (NodeInfo info : nodes) {
        JsonNode labels = labels(info);
        if (!constraints.stream().allMatch(c -> labels.has(c.topologyKey()))) {
          continue;
        }
        for (int i = 0; i < constraints.size(); i++) {
          SpreadConstraint constraint = constraints.get(i);
          if (constraint.includes(pod, info)) {
            int selected = (int) info.pods().stream().filter(p -> constraint.counts(p, namespace)).count();
            counts.get(i).merge(labels.get(constraint.topologyKey()).asText(), selected, Integer::sum);
          }
        }
      }
      return new Domains(constraints, counts);
    }
  }

  private final JsonNode pod;
  private final Domains required;
  private final Domains preferred;

  private PodTopologySpread(JsonNode pod, List<NodeInfo> nodes) {
    this.pod = pod;
    required = Domains.count(pod, SpreadConstraint.of(pod, SpreadConstraint.DO_NOT_SCHEDULE), nodes);
    preferred = Domains.count(pod, SpreadConstraint.of(pod, SpreadConstraint.SCHEDULE_ANYWAY), nodes);
  }

  static PodTopologySpread of(JsonNode pod, List<NodeInfo> nodes) {
    return new PodTopologySpread(pod, nodes);
  }

  /** Why the {@code DoNotSchedule} constraints keep the pod off the node, or empty. */
  Optional<String> reason(NodeInfo info) {
    JsonNode labels = labels(info);
    for (int i = 0; i < required.constraints().size(); i++) {
      SpreadConstraint constraint = required.constraints().get(i);
      JsonNode domain = labels.get(constraint.topologyKey());
      if (domain == null) {
        return Optional.of(REASON_MISSING_LABEL);
      }
      Map<String, Integer> counts = required.counts().get(i);
      int minimum = counts.isEmpty() || counts.size() < constraint.minDomains() ? 0 : Collections.min(counts.values());
      int self = constraint.selects(pod) ? 1 : 0;
      if (counts.getOrDefault(domain.asText(), 0) + self - minimum > constraint.maxSkew()) {
        return Optional.of(REASON);
      }
    }
    return Optional.empty();
  }

  /** How crowded the node's domains are under the {@code ScheduleAnyway} constraints; lower is better. */
  long crowding(NodeInfo info) {
    JsonNode labels = labels(info);
    long total = 0;
    for (int i = 0; i < preferred.constraints().size(); i++) {
      JsonNode domain = labels.get(preferred.constraints().get(i).topologyKey());
      if (domain == null) {
        return Long.MAX_VALUE;
      }
      total += preferred.counts().get(i).getOrDefault(domain.asText(), 0);
    }
    return total;
  }

  private static JsonNode labels(NodeInfo info) {
    return info.node().path("metadata").path("labels");
  }
}
