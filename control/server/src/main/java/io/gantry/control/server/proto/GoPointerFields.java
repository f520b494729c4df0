package io.gantry.control.server.proto;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V1Discovery;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V2Autoscaling;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Scalar fields that Go declares as pointers ({@code *int32}, {@code *bool}, {@code *string}), so
 * that a zero value on the wire is a deliberate choice and must reach the JSON.
 *
 * <p>Why a list: Go's protobuf marshalling writes every non-pointer scalar, zero or not (kubectl's
 * {@code create namespace foo} carries {@code generateName=""}, {@code uid=""}, {@code
 * generation=0}, ...), and writes a pointer scalar only when it is set. The descriptors in
 * generated.proto mark both as {@code optional}, so presence on the wire says nothing. Zero
 * scalars are therefore dropped (as Go's {@code omitempty} drops them from JSON) except the fields
 * listed here, where zero differs from "unset": {@code replicas: 0}, {@code runAsUser: 0}, {@code
 * automountServiceAccountToken: false}, {@code storageClassName: ""}, ... The list covers the kinds
 * the server serves and what {@code kubectl create} writes; a pointer field missing from it
 * loses only an explicit zero, which then reads as unset.
 */
final class GoPointerFields {

  private static final List<String> MISSING = new ArrayList<>();
  private static final Set<FieldDescriptor> FIELDS;

  static {
    Set<FieldDescriptor> s = new HashSet<>();
    // meta/v1
    add(s, Meta.ObjectMeta.getDescriptor(), "deletionGracePeriodSeconds");
    add(s, Meta.OwnerReference.getDescriptor(), "controller", "blockOwnerDeletion");
    add(s, Meta.DeleteOptions.getDescriptor(), "gracePeriodSeconds", "orphanDependents",
        "propagationPolicy", "ignoreStoreReadErrorWithClusterBreakingPotential");
    add(s, Meta.Preconditions.getDescriptor(), "uid", "resourceVersion");
    // core/v1: pods and their templates
    add(s, V1.PodSpec.getDescriptor(), "terminationGracePeriodSeconds", "activeDeadlineSeconds",
        "automountServiceAccountToken", "shareProcessNamespace", "priority", "enableServiceLinks",
        "preemptionPolicy", "runtimeClassName", "setHostnameAsFQDN", "hostUsers");
    add(s, V1.PodSecurityContext.getDescriptor(), "runAsUser", "runAsGroup", "runAsNonRoot",
        "fsGroup", "fsGroupChangePolicy", "supplementalGroupsPolicy", "seLinuxChangePolicy");
    add(s, V1.SecurityContext.getDescriptor(), "privileged", "runAsUser", "runAsGroup",
        "runAsNonRoot", "readOnlyRootFilesystem", "allowPrivilegeEscalation", "procMount");
    add(s, V1.SeccompProfile.getDescriptor(), "localhostProfile");
    add(s, V1.AppArmorProfile.getDescriptor(), "localhostProfile");
    add(s, V1.WindowsSecurityContextOptions.getDescriptor(), "gmsaCredentialSpecName",
        "gmsaCredentialSpec", "runAsUserName", "hostProcess");
    add(s, V1.Container.getDescriptor(), "restartPolicy");
    add(s, V1.EphemeralContainerCommon.getDescriptor(), "restartPolicy");
    add(s, V1.VolumeMount.getDescriptor(), "mountPropagation", "recursiveReadOnly");
    add(s, V1.Probe.getDescriptor(), "terminationGracePeriodSeconds");
    add(s, V1.GRPCAction.getDescriptor(), "service");
    add(s, V1.ConfigMapKeySelector.getDescriptor(), "optional");
    add(s, V1.SecretKeySelector.getDescriptor(), "optional");
    add(s, V1.ConfigMapEnvSource.getDescriptor(), "optional");
    add(s, V1.SecretEnvSource.getDescriptor(), "optional");
    add(s, V1.ConfigMapVolumeSource.getDescriptor(), "defaultMode", "optional");
    add(s, V1.SecretVolumeSource.getDescriptor(), "defaultMode", "optional");
    add(s, V1.ConfigMapProjection.getDescriptor(), "optional");
    add(s, V1.SecretProjection.getDescriptor(), "optional");
    add(s, V1.KeyToPath.getDescriptor(), "mode");
    add(s, V1.DownwardAPIVolumeSource.getDescriptor(), "defaultMode");
    add(s, V1.DownwardAPIVolumeFile.getDescriptor(), "mode");
    add(s, V1.ProjectedVolumeSource.getDescriptor(), "defaultMode");
    add(s, V1.ServiceAccountTokenProjection.getDescriptor(), "expirationSeconds");
    add(s, V1.HostPathVolumeSource.getDescriptor(), "type");
    add(s, V1.CSIVolumeSource.getDescriptor(), "readOnly", "fsType");
    add(s, V1.PersistentVolumeClaimSpec.getDescriptor(), "storageClassName", "volumeMode",
        "volumeAttributesClassName");
    add(s, V1.Toleration.getDescriptor(), "tolerationSeconds");
    add(s, V1.TopologySpreadConstraint.getDescriptor(), "minDomains", "nodeAffinityPolicy",
        "nodeTaintsPolicy");
    add(s, V1.PodDNSConfigOption.getDescriptor(), "value");
    add(s, V1.PodResourceClaim.getDescriptor(), "resourceClaimName", "resourceClaimTemplateName");
    add(s, V1.ContainerStatus.getDescriptor(), "started");
    // core/v1: the rest
    add(s, V1.ServiceAccount.getDescriptor(), "automountServiceAccountToken");
    add(s, V1.Secret.getDescriptor(), "immutable");
    add(s, V1.ConfigMap.getDescriptor(), "immutable");
    add(s, V1.ServiceSpec.getDescriptor(), "allocateLoadBalancerNodePorts", "loadBalancerClass",
        "internalTrafficPolicy", "ipFamilyPolicy", "trafficDistribution");
    add(s, V1.ClientIPConfig.getDescriptor(), "timeoutSeconds");
    add(s, V1.ServicePort.getDescriptor(), "appProtocol");
    add(s, V1.LoadBalancerIngress.getDescriptor(), "ipMode");
    add(s, V1.PortStatus.getDescriptor(), "error");
    add(s, V1.EndpointPort.getDescriptor(), "appProtocol");
    add(s, V1.EndpointAddress.getDescriptor(), "nodeName");
    // apps/v1
    add(s, V1Apps.DeploymentSpec.getDescriptor(), "replicas", "revisionHistoryLimit",
        "progressDeadlineSeconds");
    add(s, V1Apps.DeploymentStatus.getDescriptor(), "collisionCount", "terminatingReplicas");
    add(s, V1Apps.ReplicaSetSpec.getDescriptor(), "replicas");
    add(s, V1Apps.ReplicaSetStatus.getDescriptor(), "terminatingReplicas");
    add(s, V1Apps.StatefulSetSpec.getDescriptor(), "replicas", "revisionHistoryLimit");
    add(s, V1Apps.RollingUpdateStatefulSetStrategy.getDescriptor(), "partition");
    add(s, V1Apps.DaemonSetSpec.getDescriptor(), "revisionHistoryLimit");
    // autoscaling/v1 (kubectl autoscale), autoscaling/v2
    add(s, V1Autoscaling.HorizontalPodAutoscalerSpec.getDescriptor(), "minReplicas",
        "targetCPUUtilizationPercentage");
    add(s, V1Autoscaling.HorizontalPodAutoscalerStatus.getDescriptor(), "observedGeneration",
        "currentCPUUtilizationPercentage");
    add(s, V2Autoscaling.HorizontalPodAutoscalerSpec.getDescriptor(), "minReplicas");
    add(s, V2Autoscaling.HorizontalPodAutoscalerStatus.getDescriptor(), "observedGeneration");
    add(s, V2Autoscaling.MetricTarget.getDescriptor(), "averageUtilization");
    add(s, V2Autoscaling.MetricValueStatus.getDescriptor(), "averageUtilization");
    add(s, V2Autoscaling.HPAScalingRules.getDescriptor(), "stabilizationWindowSeconds", "selectPolicy");
    // batch/v1
    add(s, V1Batch.JobSpec.getDescriptor(), "parallelism", "completions", "activeDeadlineSeconds",
        "backoffLimit", "backoffLimitPerIndex", "maxFailedIndexes", "ttlSecondsAfterFinished",
        "completionMode", "suspend", "manualSelector", "podReplacementPolicy", "managedBy");
    add(s, V1Batch.CronJobSpec.getDescriptor(), "timeZone", "startingDeadlineSeconds", "suspend",
        "successfulJobsHistoryLimit", "failedJobsHistoryLimit");
    add(s, V1Batch.PodFailurePolicyOnExitCodesRequirement.getDescriptor(), "containerName");
    add(s, V1Batch.SuccessPolicyRule.getDescriptor(), "succeededIndexes", "succeededCount");
    // discovery.k8s.io/v1
    add(s, V1Discovery.Endpoint.getDescriptor(), "hostname", "nodeName", "zone");
    add(s, V1Discovery.EndpointConditions.getDescriptor(), "ready", "serving", "terminating");
    add(s, V1Discovery.EndpointPort.getDescriptor(), "name", "protocol", "port", "appProtocol");
    // networking.k8s.io/v1
    add(s, V1Networking.IngressSpec.getDescriptor(), "ingressClassName");
    add(s, V1Networking.HTTPIngressPath.getDescriptor(), "pathType");
    add(s, V1Networking.IngressClassParametersReference.getDescriptor(), "aPIGroup", "scope",
        "namespace");
    add(s, V1Networking.IngressPortStatus.getDescriptor(), "error");
    add(s, V1Networking.NetworkPolicyPort.getDescriptor(), "protocol", "endPort");
    // coordination.k8s.io/v1
    add(s, V1Coordination.LeaseSpec.getDescriptor(), "holderIdentity", "leaseDurationSeconds",
        "leaseTransitions", "strategy", "preferredHolder");
    // policy/v1, scheduling.k8s.io/v1
    add(s, V1Policy.PodDisruptionBudgetSpec.getDescriptor(), "unhealthyPodEvictionPolicy");
    add(s, V1Scheduling.PriorityClass.getDescriptor(), "preemptionPolicy");
    if (!MISSING.isEmpty()) {
      // A rename in a newer client-java-proto must fail loudly, not silently drop zeros.
      throw new IllegalStateException("GoPointerFields: " + MISSING
          + " (expected: existing scalar fields)");
    }
    FIELDS = Set.copyOf(s);
  }

  private GoPointerFields() {}

  /** Whether a zero value of this field, when present on the wire, is kept in the JSON. */
  static boolean keepsZero(FieldDescriptor field) {
    return FIELDS.contains(field);
  }

  /** How many fields are listed (for tests). */
  static int size() {
    return FIELDS.size();
  }

  private static void add(Set<FieldDescriptor> set, Descriptor message, String... names) {
    for (String name : names) {
      FieldDescriptor field = message.findFieldByName(name);
      if (field == null || field.getType() == FieldDescriptor.Type.MESSAGE) {
        MISSING.add(message.getFullName() + "." + name);
      } else {
        set.add(field);
      }
    }
  }
}
