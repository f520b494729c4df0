package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.selector.LabelSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kube-scheduler's InterPodAffinity filter for the required terms: the pod's
 * {@code podAffinity} asks for a pod its term selects in the node's topology domain (the nodes
 * with the same value of the term's {@code topologyKey}); its {@code podAntiAffinity} for none;
 * and a pod already placed whose anti-affinity selects this pod keeps it out of that pod's
 * domain. As upstream, the first pod of a group that has affinity to itself may go anywhere the
 * topology keys exist. A term selects pods of its {@code namespaces}, or of the pod's own namespace,
 * or of every namespace with an empty {@code namespaceSelector}; a non-empty
 * {@code namespaceSelector} is not evaluated (it adds no namespace). Built once per pod to place.
 */
final class InterPodAffinity {

  static final String REASON_AFFINITY = "node(s) didn't match pod affinity rules";
  static final String REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
  static final String REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

  private record Term(String topologyKey, LabelSelector selector, List<String> namespaces, boolean allNamespaces) {

    boolean selects(JsonNode pod) {
      String namespace = ObjectMeta.namespace((ObjectNode) pod);
      return (allNamespaces || namespaces.contains(namespace)) && selector.matches(pod.path("metadata").path("labels"));
    }
  }

  private final List<Term> affinity;
  private final List<Term> antiAffinity;
  /** Per "key=value" domain: pods that one of the affinity terms selects, and the same for anti-affinity. */
  private final Map<String, Integer> affinityCounts = new HashMap<>();
  private final Map<String, Integer> antiAffinityCounts = new HashMap<>();
  /** Domains of placed pods whose required anti-affinity selects the pod. */
  private final Map<String, Integer> existingAntiAffinityCounts = new HashMap<>();
  private final boolean selfAffine;

  private InterPodAffinity(JsonNode pod, List<NodeInfo> nodes) {
    affinity = terms(pod, "podAffinity");
    antiAffinity = terms(pod, "podAntiAffinity");
    for (NodeInfo info : nodes) {
      JsonNode labels = info.node().path("metadata").path("labels");
      for (ObjectNode placed : info.pods()) {
        count(affinity, placed, labels, affinityCounts);
        count(antiAffinity, placed, labels, antiAffinityCounts);
        for (Term term : terms(placed, "podAntiAffinity")) {
          if (term.selects(pod) && labels.has(term.topologyKey())) {
            existingAntiAffinityCounts.merge(domain(term.topologyKey(), labels), 1, Integer::sum);
          }
        }
      }
    }
    selfAffine = affinity.stream().allMatch(term -> term.selects(pod));
  }

  static InterPodAffinity of(JsonNode pod, List<NodeInfo> nodes) {
    return new InterPodAffinity(pod, nodes);
  }

  /** Why the pod may not go to the node, or empty. */
  Optional<String> reason(NodeInfo info) {
    JsonNode labels = info.node().path("metadata").path("labels");
    boolean podsExist = true;
    for (Term term : affinity) {
      if (!labels.has(term.topologyKey())) {
        return Optional.of(REASON_AFFINITY);
      }
      podsExist &= affinityCounts.getOrDefault(domain(term.topologyKey(), labels), 0) > 0;
    }
    if (!podsExist && !(affinityCounts.isEmpty() && selfAffine)) {
      return Optional.of(REASON_AFFINITY);
    }
    for (Term term : antiAffinity) {
      if (labels.has(term.topologyKey())
          && antiAffinityCounts.getOrDefault(domain(term.topologyKey(), labels), 0) > 0) {
        return Optional.of(REASON_ANTI_AFFINITY);
      }
    }
    for (Map.Entry<String, JsonNode> label : labels.properties()) {
      if (existingAntiAffinityCounts.getOrDefault(label.getKey() + "=" + label.getValue().asText(), 0) > 0) {
        return Optional.of(REASON_EXISTING_ANTI_AFFINITY);
      }
    }
    return Optional.empty();
  }

  private static void count(List<Term> terms, JsonNode placed, JsonNode nodeLabels, Map<String, Integer> counts) {
    for (Term term : terms) {
      if (nodeLabels.has(term.topologyKey()) && term.selects(placed)) {
        counts.merge(domain(term.topologyKey(), nodeLabels), 1, Integer::sum);
      }
    }
  }

  private static String domain(String key, JsonNode nodeLabels) {
    return key + "=" + nodeLabels.path(key).asText();
  }

  /** The required terms of one kind; a term without a label selector selects no pod, as upstream's. */
  private static List<Term> terms(JsonNode pod, String kind) {
    List<Term> terms = new ArrayList<>();
    String namespace = ObjectMeta.namespace((ObjectNode) pod);
    for (JsonNode term : pod.path("spec").path("affinity").path(kind).path("requiredDuringSchedulingIgnoredDuringExecution")) {
      JsonNode selector = term.get("labelSelector");
      if (selector == null || selector.isNull()) {
        continue;
      }
      LabelSelector labels;
      try {
        labels = LabelSelector.fromJson(selector);
      } catch (IllegalArgumentException e) {
        continue; // validation refuses such a pod; one stored before selects nothing
      }
      List<String> namespaces = new ArrayList<>();
      term.path("namespaces").forEach(n -> namespaces.add(n.asText()));
      JsonNode namespaceSelector = term.get("namespaceSelector");
      boolean all = namespaceSelector != null && namespaceSelector.isObject() && namespaceSelector.isEmpty();
      if (namespaces.isEmpty() && (namespaceSelector == null || namespaceSelector.isNull())) {
        namespaces.add(namespace);
      }
      terms.add(new Term(term.path("topologyKey").asText(), labels, namespaces, all));
    }
    return terms;
  }
}
