package io.gantry.control.server.controller.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;

/** Reads the ReplicaSet fields the Deployment controller works with (upstream {@code deploymentutil}). */
final class ReplicaSets {

  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";

  /** Oldest first; ties broken by name (upstream's {@code ReplicaSetsByCreationTimestamp}). */
  static final Comparator<ObjectNode> BY_CREATION = Comparator
      .comparing((ObjectNode rs) -> ObjectMeta.text(rs, "creationTimestamp"))
      .thenComparing(ObjectMeta::name);

  /** Lowest revision first, then by creation (upstream's {@code ReplicaSetsByRevision}). */
  static final Comparator<ObjectNode> BY_REVISION = Comparator
      .comparingLong(ReplicaSets::revision).thenComparing(BY_CREATION);

  private ReplicaSets() {}

  static int specReplicas(ObjectNode rs) {
    return rs.path("spec").path("replicas").asInt(1);
  }

  static int statusReplicas(ObjectNode rs) {
    return rs.path("status").path("replicas").asInt(0);
  }

  static int ready(ObjectNode rs) {
    return rs.path("status").path("readyReplicas").asInt(0);
  }

  static int available(ObjectNode rs) {
    return rs.path("status").path("availableReplicas").asInt(0);
  }

  static long revision(ObjectNode rs) {
    try {
      return Long.parseLong(annotation(rs, REVISION));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static String annotation(ObjectNode object, String name) {
    JsonNode value = object.path("metadata").path("annotations").get(name);
    return value == null || value.isNull() ? "" : value.asText();
  }

  static OptionalInt intAnnotation(ObjectNode rs, String name) {
    try {
      return OptionalInt.of(Integer.parseInt(annotation(rs, name)));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** Sum of {@code spec.replicas}. */
  static int sumSpec(Collection<ObjectNode> sets) {
    return sets.stream().mapToInt(ReplicaSets::specReplicas).sum();
  }

  /** Sum of {@code status.replicas}. */
  static int sumStatus(Collection<ObjectNode> sets) {
    return sets.stream().mapToInt(ReplicaSets::statusReplicas).sum();
  }

  static int sumReady(Collection<ObjectNode> sets) {
    return sets.stream().mapToInt(ReplicaSets::ready).sum();
  }

  static int sumAvailable(Collection<ObjectNode> sets) {
    return sets.stream().mapToInt(ReplicaSets::available).sum();
  }

  /** Those with {@code spec.replicas > 0}. */
  static List<ObjectNode> active(Collection<ObjectNode> sets) {
    return sets.stream().filter(rs -> specReplicas(rs) > 0).toList();
  }
}
