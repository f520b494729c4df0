package io.gantry.control.server.managedfields;

import io.gantry.control.server.patch.ListRule;
import io.gantry.control.server.patch.MergeKeys;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What field ownership needs to know of a kind's schema beyond the JSON itself: which lists are
 * associative and by which keys ({@link MergeKeys}, with the apply list-map keys where they differ
 * from the strategic-merge key), which maps are atomic ({@code +structType=atomic}, such as
 * LabelSelector), and which structs Go always serializes (so an update never "adds" them).
 * Paths are member names from the root with dots, list elements adding no segment.
 */
final class FieldShapes {

  /** The second list-map key of ports (containers' and Services'); it defaults to TCP. */
  private static final String PROTOCOL = "protocol";

  /** Non-pointer structs of Deployments and ReplicaSets below {@code spec}. */
  private static final Set<String> WORKLOAD_STRUCTS = Set.of(
      "spec.template", "spec.template.metadata", "spec.template.spec", "spec.strategy");

  /** Non-pointer structs of DaemonSets and StatefulSets below {@code spec}. */
  private static final Set<String> DAEMONSET_STRUCTS = Set.of(
      "spec.template", "spec.template.metadata", "spec.template.spec", "spec.updateStrategy");

  /** Non-pointer structs of a ReplicationController's template, itself a pointer. */
  private static final Set<String> RC_TEMPLATE_STRUCTS = Set.of("spec.template.metadata", "spec.template.spec");

  /** Non-pointer structs of a PodTemplate: its template and the template's metadata and spec. */
  private static final Set<String> POD_TEMPLATE_STRUCTS = Set.of("template", "template.metadata", "template.spec");

  /** {@code +structType=atomic} maps (LabelSelectors, a binding's RoleRef), by kind. */
  private static final Map<String, Set<String>> ATOMIC_MAPS = Map.ofEntries(
      Map.entry("Deployment", Set.of("spec.selector")),
      Map.entry("ReplicaSet", Set.of("spec.selector")),
      Map.entry("DaemonSet", Set.of("spec.selector")),
      Map.entry("StatefulSet", Set.of("spec.selector")),
      Map.entry("NetworkPolicy", Set.of("spec.podSelector")),
      Map.entry("PodDisruptionBudget", Set.of("spec.selector")),
      Map.entry("Job", Set.of("spec.selector")),
      Map.entry("CronJob", Set.of("spec.jobTemplate.spec.selector")),
      Map.entry("RoleBinding", Set.of("roleRef")),
      Map.entry("ClusterRoleBinding", Set.of("roleRef")),
      Map.entry("PersistentVolumeClaim", Set.of("spec.selector", "spec.dataSource", "spec.dataSourceRef")),
      Map.entry("ResourceQuota", Set.of("spec.scopeSelector")),
      Map.entry("PersistentVolume", Set.of("spec.claimRef")));

  private final ResourceType type;
  private final MergeKeys keys;

  private FieldShapes(ResourceType type) {
    this.type = type;
    this.keys = MergeKeys.forType(type);
  }

  static FieldShapes of(ResourceType type) {
    return new FieldShapes(type);
  }

  /**
   * The key members of the associative list at {@code path}, sorted (the apply schema's
   * listMapKeys where they are more than the strategic merge key); empty for a set of scalars;
   * no value for an atomic list.
   */
  Optional<List<String>> listKeys(String path) {
    Optional<ListRule> rule = keys.list(path);
    if (rule.isEmpty()) {
      return Optional.empty();
    }
    if (!rule.get().keyed()) {
      return Optional.of(List.of());
    }
    if (path.endsWith("ontainers.ports")) {
      return Optional.of(List.of("containerPort", PROTOCOL));
    }
    if (type == ResourceTypes.SERVICES && path.equals("spec.ports")) {
      return Optional.of(List.of("port", PROTOCOL));
    }
    return Optional.of(List.of(rule.get().mergeKey()));
  }

  /** The value a key member takes when an element omits it ({@code protocol} defaults to TCP). */
  static Optional<String> keyDefault(String key) {
    return key.equals(PROTOCOL) ? Optional.of("TCP") : Optional.empty();
  }

  /** Whether the map at {@code path} is owned as a whole. */
  boolean atomicMap(String path) {
    return ATOMIC_MAPS.getOrDefault(type.kind(), Set.of()).contains(path);
  }

  /** Whether the struct at {@code path} is always present in Go's serialization, so never "added". */
  boolean alwaysPresent(String path) {
    if (path.equals("metadata") || path.equals("spec") || path.equals("status")) {
      return true;
    }
    if (path.endsWith("ontainers.resources")) {
      return true;
    }
    return (type == ResourceTypes.DEPLOYMENTS || type == ResourceTypes.REPLICASETS) && WORKLOAD_STRUCTS.contains(path)
        || type == ResourceTypes.REPLICATIONCONTROLLERS && RC_TEMPLATE_STRUCTS.contains(path)
        || type == ResourceTypes.PODTEMPLATES && POD_TEMPLATE_STRUCTS.contains(path)
        || (type == ResourceTypes.DAEMONSETS || type == ResourceTypes.STATEFULSETS) && DAEMONSET_STRUCTS.contains(path);
  }
}
