package io.gantry.control.server.table;

import io.gantry.control.server.resource.ResourceType;
import java.util.Map;
import java.util.Objects;

/** Which {@link ColumnSet} prints a kind, by API group and kind (any version); the default for the rest. */
public final class ColumnSets {

  private static final Map<String, ColumnSet> BY_GROUP_KIND = Map.ofEntries(
      Map.entry("/Pod", PodColumns.INSTANCE),
      Map.entry("/Service", ServiceColumns.INSTANCE),
      Map.entry("/Namespace", NamespaceColumns.INSTANCE),
      Map.entry("/Node", NodeColumns.INSTANCE),
      Map.entry("/Endpoints", EndpointsColumns.INSTANCE),
      Map.entry("/Secret", SecretColumns.INSTANCE),
      Map.entry("/ConfigMap", ConfigMapColumns.INSTANCE),
      Map.entry("/Event", EventColumns.INSTANCE),
      Map.entry("/ServiceAccount", ServiceAccountColumns.INSTANCE),
      Map.entry("/ReplicationController", ReplicaSetColumns.REPLICATION_CONTROLLERS),
      Map.entry("/PodTemplate", PodTemplateColumns.INSTANCE),
      Map.entry("apps/Deployment", DeploymentColumns.INSTANCE),
      Map.entry("apps/ReplicaSet", ReplicaSetColumns.INSTANCE),
      Map.entry("apps/DaemonSet", DaemonSetColumns.INSTANCE),
      Map.entry("apps/StatefulSet", StatefulSetColumns.INSTANCE),
      Map.entry("events.k8s.io/Event", EventColumns.EVENTS_API),
      Map.entry("discovery.k8s.io/EndpointSlice", EndpointSliceColumns.INSTANCE),
      Map.entry("networking.k8s.io/Ingress", IngressColumns.INSTANCE),
      Map.entry("networking.k8s.io/IngressClass", IngressClassColumns.INSTANCE),
      Map.entry("networking.k8s.io/NetworkPolicy", NetworkPolicyColumns.INSTANCE),
      Map.entry("coordination.k8s.io/Lease", LeaseColumns.INSTANCE),
      Map.entry("node.k8s.io/RuntimeClass", RuntimeClassColumns.INSTANCE),
      Map.entry("storage.k8s.io/StorageClass", StorageClassColumns.INSTANCE),
      Map.entry("scheduling.k8s.io/PriorityClass", PriorityClassColumns.INSTANCE),
      Map.entry("policy/PodDisruptionBudget", PodDisruptionBudgetColumns.INSTANCE),
      Map.entry("apps/ControllerRevision", ControllerRevisionColumns.INSTANCE),
      Map.entry("/PersistentVolumeClaim", PersistentVolumeClaimColumns.INSTANCE),
      Map.entry("/ResourceQuota", ResourceQuotaColumns.INSTANCE),
      Map.entry("/PersistentVolume", PersistentVolumeColumns.INSTANCE),
      Map.entry("batch/Job", JobColumns.INSTANCE),
      Map.entry("autoscaling/HorizontalPodAutoscaler", HorizontalPodAutoscalerColumns.INSTANCE),
      Map.entry("batch/CronJob", CronJobColumns.INSTANCE),
      Map.entry("rbac.authorization.k8s.io/RoleBinding", RoleBindingColumns.INSTANCE),
      Map.entry("rbac.authorization.k8s.io/ClusterRoleBinding", RoleBindingColumns.INSTANCE));

  private ColumnSets() {}

  /** The printer for this type: a kind-specific one, or {@code Name} and {@code Created At}. */
  public static ColumnSet forType(ResourceType type) {
    Objects.requireNonNull(type, "type");
    return BY_GROUP_KIND.getOrDefault(type.group() + "/" + type.kind(), DefaultColumns.INSTANCE);
  }
}
