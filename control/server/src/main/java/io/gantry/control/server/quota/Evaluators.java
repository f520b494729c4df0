package io.gantry.control.server.quota;

import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The evaluator of each served namespaced type, as kube-apiserver's quota registry: pods, Services and
 * PersistentVolumeClaims have their own, every other type is counted ({@code count/<resource>}), with
 * the legacy names of ConfigMaps, ResourceQuotas, ReplicationControllers and Secrets. Events are
 * ignored, as upstream's quota configuration ignores them, and so are views of another type's objects
 * (events.k8s.io Events).
 */
public final class Evaluators {

  private static final Map<ResourceType, String> LEGACY_ALIASES = Map.of(
      ResourceTypes.CONFIGMAPS, "configmaps",
      ResourceTypes.RESOURCEQUOTAS, "resourcequotas",
      ResourceTypes.REPLICATIONCONTROLLERS, "replicationcontrollers",
      ResourceTypes.SECRETS, "secrets");

  private static final List<UsageEvaluator> ALL = build();
  private static final Map<ResourceType, UsageEvaluator> BY_TYPE = ALL.stream()
      .collect(Collectors.toUnmodifiableMap(UsageEvaluator::type, evaluator -> evaluator));

  private Evaluators() {}

  private static List<UsageEvaluator> build() {
    List<UsageEvaluator> out = new ArrayList<>();
    for (ResourceType type : ResourceTypes.ALL) {
      if (!type.namespaced() || type == ResourceTypes.EVENTS || type.isView()) {
        continue;
      }
      if (type == ResourceTypes.PODS) {
        out.add(new PodEvaluator());
      } else if (type == ResourceTypes.SERVICES) {
        out.add(new ServiceEvaluator());
      } else if (type == ResourceTypes.PERSISTENTVOLUMECLAIMS) {
        out.add(new ClaimEvaluator());
      } else {
        out.add(new ObjectCountEvaluator(type, LEGACY_ALIASES.get(type)));
      }
    }
    return List.copyOf(out);
  }

  /** Every evaluator, one per served namespaced type but Events. */
  public static List<UsageEvaluator> all() {
    return ALL;
  }

  /** The evaluator of a type; empty for cluster-scoped types and Events. */
  public static Optional<UsageEvaluator> forType(ResourceType type) {
    return Optional.ofNullable(BY_TYPE.get(type));
  }
}
