package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Validates objects as kube-apiserver does before storing them, returning every error found (never throwing
 * for bad input). Values kube-apiserver fills in by defaulting before it validates are accepted when absent.
 */
public final class ObjectValidator {

  private ObjectValidator() {}

  /** All errors of a new object (create), in field order; {@code object} is the full JSON as received. */
  public static List<FieldError> validateCreate(ResourceType type, ObjectNode object) {
    List<FieldError> errs = validateObject(type, object);
    if (type.kind().equals("Ingress")) {
      errs = new ArrayList<>(errs);
      IngressValidation.validateIngressCreate(object, errs);
    }
    if (type.kind().equals("Event")) {
      errs = new ArrayList<>(errs);
      EventValidation.validateCreate(type, object, errs);
    }
    return List.copyOf(errs);
  }

  /** The checks of both a create and an update. */
  private static List<FieldError> validateObject(ResourceType type, ObjectNode object) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(object, "object");
    List<FieldError> errs = new ArrayList<>();
    MetadataValidation.validate(type, object, errs);
    switch (type.kind()) {
      case "Namespace" -> ClusterValidation.validateNamespace(object, errs);
      case "Node" -> ClusterValidation.validateNode(object, errs);
      case "Pod" -> PodSpecValidation.validatePod(object, errs);
      case "Service" -> {
        ServiceValidation.validate(object, errs);
        LoadBalancerStatusValidation.validate(object, true, errs);
      }
      case "Endpoints" -> ClusterValidation.validateEndpoints(object, errs);
      case "Secret" -> ConfigValidation.validateSecret(object, errs);
      case "ConfigMap" -> ConfigValidation.validateConfigMap(object, errs);
      case "Event" -> EventValidation.validate(type, object, errs);
      case "Deployment" -> DeploymentValidation.validateDeployment(object, errs);
      case "ReplicaSet" -> DeploymentValidation.validateReplicaSet(object, errs);
      case "DaemonSet" -> DaemonSetValidation.validate(object, errs);
      case "StatefulSet" -> StatefulSetValidation.validate(object, errs);
      case "ReplicationController" -> ReplicationControllerValidation.validate(object, errs);
      case "ControllerRevision" -> ControllerRevisionValidation.validate(object, errs);
      case "RuntimeClass" -> RuntimeClassValidation.validate(object, errs);
      case "StorageClass" -> StorageClassValidation.validate(object, errs);
      case "PriorityClass" -> PriorityClassValidation.validate(object, errs);
      case "PodTemplate" -> PodTemplateValidation.validate(object, errs);
      case "PersistentVolumeClaim" -> PersistentVolumeValidation.validateClaim(object, errs);
      case "PersistentVolume" -> PersistentVolumeValidation.validateVolume(object, errs);
      case "LimitRange" -> LimitRangeValidation.validate(object, errs);
      case "ResourceQuota" -> ResourceQuotaValidation.validate(object, errs);
      case "EndpointSlice" -> EndpointSliceValidation.validate(object, errs);
      case "Ingress" -> {
        IngressValidation.validateIngress(object, errs);
        LoadBalancerStatusValidation.validate(object, false, errs);
      }
      case "IngressClass" -> IngressValidation.validateIngressClass(object, errs);
      case "NetworkPolicy" -> NetworkPolicyValidation.validate(object, errs);
      case "Lease" -> ClusterValidation.validateLease(object, errs);
      case "PodDisruptionBudget" -> PodDisruptionBudgetValidation.validate(object, errs);
      case "HorizontalPodAutoscaler" -> HorizontalPodAutoscalerValidation.validate(type, object, errs);
      case "Job" -> JobValidation.validate(object, errs);
      case "CronJob" -> CronJobValidation.validate(object, errs);
      case "Role", "ClusterRole" -> RbacValidation.validateRole(object, type.namespaced(), errs);
      case "RoleBinding", "ClusterRoleBinding" -> RbacValidation.validateBinding(object, type.namespaced(), errs);
      default -> { }
    }
    return List.copyOf(errs);
  }

  /** All errors of an update: the create checks on the new object, then the fields that may not change. */
  public static List<FieldError> validateUpdate(ResourceType type, ObjectNode object, ObjectNode old) {
    Objects.requireNonNull(old, "old");
    List<FieldError> errs = new ArrayList<>(validateObject(type, object));
    MetadataValidation.validateUpdate(object, old, errs);
    switch (type.kind()) {
      case "Pod" -> PodUpdateValidation.validate(object, old, errs);
      case "Service" -> ServiceValidation.validateUpdate(object, old, errs);
      case "Secret", "ConfigMap" -> ConfigValidation.validateUpdate(type.kind(), object, old, errs);
      case "Deployment", "ReplicaSet" -> DeploymentValidation.validateUpdate(object, old, errs);
      case "DaemonSet" -> DaemonSetValidation.validateUpdate(object, old, errs);
      case "StatefulSet" -> StatefulSetValidation.validateUpdate(object, old, errs);
      case "EndpointSlice" -> EndpointSliceValidation.validateUpdate(object, old, errs);
      case "ControllerRevision" -> ControllerRevisionValidation.validateUpdate(object, old, errs);
      case "RuntimeClass" -> RuntimeClassValidation.validateUpdate(object, old, errs);
      case "StorageClass" -> StorageClassValidation.validateUpdate(object, old, errs);
      case "PriorityClass" -> PriorityClassValidation.validateUpdate(object, old, errs);
      case "Event" -> EventValidation.validateUpdate(type, object, old, errs);
      case "PersistentVolumeClaim" -> PersistentVolumeValidation.validateClaimUpdate(object, old, errs);
      case "PersistentVolume" -> PersistentVolumeValidation.validateVolumeUpdate(object, old, errs);
      case "ResourceQuota" -> ResourceQuotaValidation.validateUpdate(object, old, errs);
      case "Job" -> JobValidation.validateUpdate(object, old, errs);
      case "HorizontalPodAutoscaler" -> HorizontalPodAutoscalerValidation.validateUpdate(type, object, old, errs);
      case "CronJob" -> CronJobValidation.validateUpdate(object, old, errs);
      case "RoleBinding", "ClusterRoleBinding" -> RbacValidation.validateBindingUpdate(object, old, errs);
      // ValidateIngressClassUpdate checks the immutable controller before the object itself
      case "IngressClass" -> {
        List<FieldError> immutable = new ArrayList<>();
        IngressValidation.validateIngressClassUpdate(object, old, immutable);
        errs.addAll(0, immutable);
      }
      default -> { }
    }
    return List.copyOf(errs);
  }

  /**
   * The message of kube-apiserver's {@code NewInvalid}: {@code Service "web" is invalid: <error>}, or with
   * several distinct errors {@code Service "web" is invalid: [<a>, <b>]}. kube-apiserver names the kind
   * group-qualified ({@code Deployment.apps}); see {@link #invalidMessage(ResourceType, String, List)}.
   */
  public static String invalidMessage(String kind, String name, List<FieldError> errors) {
    Objects.requireNonNull(kind, "kind");
    String head = kind + " " + GoFormat.quote(name == null ? "" : name) + " is invalid";
    Set<String> messages = new LinkedHashSet<>();
    for (FieldError e : errors) {
      messages.add(e.message());
    }
    if (messages.isEmpty()) {
      return head;
    }
    String joined = String.join(", ", messages);
    return head + ": " + (messages.size() == 1 ? joined : "[" + joined + "]");
  }

  /** {@link #invalidMessage(String, String, List)} with the kind qualified by group, as kube-apiserver prints it. */
  public static String invalidMessage(ResourceType type, String name, List<FieldError> errors) {
    String kind = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
    return invalidMessage(kind, name, errors);
  }
}
