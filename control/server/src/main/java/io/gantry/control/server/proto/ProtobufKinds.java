package io.gantry.control.server.proto;

import com.google.protobuf.Descriptors.Descriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V1Discovery;
import io.kubernetes.client.proto.V1Events;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Node;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;
import io.kubernetes.client.proto.V2Autoscaling;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The generated message type for each apiVersion and kind a protobuf body may carry: every kind
 * the server serves, plus the other kinds {@code kubectl create} writes with its typed client
 * (jobs, cron jobs, quotas, service accounts, RBAC, ...), so that those fail later with "not
 * served" rather than here with "cannot decode". {@code DeleteOptions} is accepted under every
 * group version listed here and under {@code meta.k8s.io/v1}, as client-go encodes it with the
 * group version of the resource being deleted.
 */
final class ProtobufKinds {

  private static final List<Map.Entry<String, Descriptor>> KINDS = List.of(
      kind("v1", "Namespace", V1.Namespace.getDescriptor()),
      kind("v1", "Node", V1.Node.getDescriptor()),
      kind("v1", "Pod", V1.Pod.getDescriptor()),
      kind("v1", "Service", V1.Service.getDescriptor()),
      kind("v1", "Endpoints", V1.Endpoints.getDescriptor()),
      kind("v1", "Secret", V1.Secret.getDescriptor()),
      kind("v1", "ConfigMap", V1.ConfigMap.getDescriptor()),
      kind("v1", "Event", V1.Event.getDescriptor()),
      kind("v1", "ServiceAccount", V1.ServiceAccount.getDescriptor()),
      kind("v1", "ReplicationController", V1.ReplicationController.getDescriptor()),
      kind("v1", "ResourceQuota", V1.ResourceQuota.getDescriptor()),
      kind("v1", "LimitRange", V1.LimitRange.getDescriptor()),
      kind("v1", "PodTemplate", V1.PodTemplate.getDescriptor()),
      kind("v1", "PersistentVolumeClaim", V1.PersistentVolumeClaim.getDescriptor()),
      kind("v1", "PersistentVolume", V1.PersistentVolume.getDescriptor()),
      kind("v1", "Binding", V1.Binding.getDescriptor()),
      kind("apps/v1", "Deployment", V1Apps.Deployment.getDescriptor()),
      kind("apps/v1", "ReplicaSet", V1Apps.ReplicaSet.getDescriptor()),
      kind("apps/v1", "StatefulSet", V1Apps.StatefulSet.getDescriptor()),
      kind("apps/v1", "DaemonSet", V1Apps.DaemonSet.getDescriptor()),
      kind("apps/v1", "ControllerRevision", V1Apps.ControllerRevision.getDescriptor()),
      kind("autoscaling/v1", "HorizontalPodAutoscaler", V1Autoscaling.HorizontalPodAutoscaler.getDescriptor()),
      kind("autoscaling/v2", "HorizontalPodAutoscaler", V2Autoscaling.HorizontalPodAutoscaler.getDescriptor()),
      kind("batch/v1", "Job", V1Batch.Job.getDescriptor()),
      kind("batch/v1", "CronJob", V1Batch.CronJob.getDescriptor()),
      kind("discovery.k8s.io/v1", "EndpointSlice", V1Discovery.EndpointSlice.getDescriptor()),
      kind("networking.k8s.io/v1", "Ingress", V1Networking.Ingress.getDescriptor()),
      kind("networking.k8s.io/v1", "IngressClass", V1Networking.IngressClass.getDescriptor()),
      kind("networking.k8s.io/v1", "NetworkPolicy",
          V1Networking.NetworkPolicy.getDescriptor()),
      kind("coordination.k8s.io/v1", "Lease", V1Coordination.Lease.getDescriptor()),
      kind("node.k8s.io/v1", "RuntimeClass", V1Node.RuntimeClass.getDescriptor()),
      kind("storage.k8s.io/v1", "StorageClass", V1Storage.StorageClass.getDescriptor()),
      kind("events.k8s.io/v1", "Event", V1Events.Event.getDescriptor()),
      kind("policy/v1", "PodDisruptionBudget", V1Policy.PodDisruptionBudget.getDescriptor()),
      kind("policy/v1", "Eviction", V1Policy.Eviction.getDescriptor()),
      kind("scheduling.k8s.io/v1", "PriorityClass",
          V1Scheduling.PriorityClass.getDescriptor()),
      kind("rbac.authorization.k8s.io/v1", "Role", V1Rbac.Role.getDescriptor()),
      kind("rbac.authorization.k8s.io/v1", "RoleBinding", V1Rbac.RoleBinding.getDescriptor()),
      kind("rbac.authorization.k8s.io/v1", "ClusterRole", V1Rbac.ClusterRole.getDescriptor()),
      kind("rbac.authorization.k8s.io/v1", "ClusterRoleBinding",
          V1Rbac.ClusterRoleBinding.getDescriptor()),
      kind("authorization.k8s.io/v1", "SelfSubjectAccessReview",
          V1Authorization.SelfSubjectAccessReview.getDescriptor()),
      kind("authorization.k8s.io/v1", "SelfSubjectRulesReview",
          V1Authorization.SelfSubjectRulesReview.getDescriptor()),
      kind("authentication.k8s.io/v1", "SelfSubjectReview",
          V1Authentication.SelfSubjectReview.getDescriptor()),
      kind("authentication.k8s.io/v1", "TokenRequest", V1Authentication.TokenRequest.getDescriptor()),
      kind("authentication.k8s.io/v1", "TokenReview", V1Authentication.TokenReview.getDescriptor()));

  private static final Set<String> GROUP_VERSIONS;
  private static final Map<String, Descriptor> BY_KEY;

  static {
    Map<String, Descriptor> byKey = new HashMap<>();
    Set<String> groupVersions = new HashSet<>(Set.of("meta.k8s.io/v1"));
    for (Map.Entry<String, Descriptor> kind : KINDS) {
      byKey.put(kind.getKey(), kind.getValue());
      groupVersions.add(kind.getKey().substring(0, kind.getKey().indexOf('\n')));
    }
    for (String groupVersion : groupVersions) {
      byKey.put(key(groupVersion, "DeleteOptions"), Meta.DeleteOptions.getDescriptor());
    }
    BY_KEY = Map.copyOf(byKey);
    GROUP_VERSIONS = Set.copyOf(groupVersions);
  }

  private ProtobufKinds() {}

  /** The message type for this apiVersion and kind, or null when it is not mapped. */
  static Descriptor descriptor(String apiVersion, String kind) {
    return BY_KEY.get(key(apiVersion, kind));
  }

  /** Whether any kind is mapped for this group version (to tell a bad version from a bad kind). */
  static boolean knowsGroupVersion(String apiVersion) {
    return GROUP_VERSIONS.contains(apiVersion);
  }

  private static Map.Entry<String, Descriptor> kind(
      String apiVersion, String kind, Descriptor descriptor) {
    return Map.entry(key(apiVersion, kind), descriptor);
  }

  private static String key(String apiVersion, String kind) {
    return apiVersion + '\n' + kind;
  }
}
