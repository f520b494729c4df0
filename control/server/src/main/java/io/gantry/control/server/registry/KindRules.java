package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.SameContent;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/** Per-kind lifecycle rules of kube-apiserver's registry strategies: status resets and generations. */
final class KindRules {

  private static final Set<ResourceType> TRACKS_GENERATION = Set.of(
      ResourceTypes.DEPLOYMENTS, ResourceTypes.REPLICASETS, ResourceTypes.REPLICATIONCONTROLLERS,
      ResourceTypes.INGRESSES, ResourceTypes.INGRESSCLASSES, ResourceTypes.NETWORKPOLICIES,
      ResourceTypes.ENDPOINTSLICES, ResourceTypes.PODDISRUPTIONBUDGETS, ResourceTypes.JOBS,
      ResourceTypes.CRONJOBS, ResourceTypes.DAEMONSETS, ResourceTypes.STATEFULSETS, ResourceTypes.PODTEMPLATES);

  /**
   * The annotation that carries a DaemonSet's {@code spec.templateGeneration} in apps/v1 (the
   * internal field has no v1 counterpart; the conversion moves it to and from this annotation).
   */
  static final String TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";

  private KindRules() {}

  /**
   * Kinds whose strategy (and its status strategy) does not AllowUnconditionalUpdate: a PUT must name the
   * resourceVersion it read, so that a Lease holder or a PodDisruptionBudget's disruption count is never
   * overwritten blind.
   */
  private static final Set<ResourceType> VERSIONED_UPDATES_ONLY =
      Set.of(ResourceTypes.LEASES, ResourceTypes.PODDISRUPTIONBUDGETS);

  static boolean allowsUnconditionalUpdate(ResourceType type) {
    return !VERSIONED_UPDATES_ONLY.contains(type);
  }

  static boolean tracksGeneration(ResourceType type) {
    return TRACKS_GENERATION.contains(type);
  }

  /** Whether writes to the main resource keep the stored status (clients set it via /status). */
  static boolean hasStatusSubresource(ResourceType type) {
    return type.hasSubresource("status");
  }

  /**
   * The metadata a {@code /status} write takes from its body: upstream's status strategies put
   * back the spec, and the Deployment's its labels too.
   */
  static List<String> metadataKeptByStatus(ResourceType type) {
    return type == ResourceTypes.DEPLOYMENTS ? List.of("annotations") : List.of("labels", "annotations");
  }

  /**
   * shouldDeleteDuringUpdate: an object marked for deletion goes once its last finalizer does; a
   * namespace once its spec finalizers are gone too, and a pod in its grace period only after its
   * node agent's final delete (grace 0) had to wait for a finalizer.
   */
  static boolean deleteDuringUpdate(ResourceType type, ObjectNode next, ObjectNode old) {
    return ObjectMeta.isDeleting(next) && !ObjectMeta.hasFinalizers(next)
        && (type != ResourceTypes.NAMESPACES || next.path("spec").path("finalizers").isEmpty())
        && (type != ResourceTypes.PODS || ObjectMeta.hasFinalizers(old)
            && next.path("metadata").path("deletionGracePeriodSeconds").asLong(0) == 0);
  }

  /** Resets what a client may not set on create. */
  static void prepareForCreate(ResourceType type, ObjectNode object) {
    if (type == ResourceTypes.NAMESPACES) {
      // namespaceStrategy.PrepareForCreate: the finalizers asked for, and kubernetes' own
      ObjectNode spec = Defaults.spec(object);
      boolean kubernetes = false;
      for (JsonNode finalizer : spec.path("finalizers")) {
        kubernetes |= finalizer.asText().equals("kubernetes");
      }
      if (!kubernetes) {
        spec.withArrayProperty("finalizers").add("kubernetes");
      }
      object.putObject("status").put("phase", "Active");
    } else if (type == ResourceTypes.PODS) {
      ObjectNode status = object.putObject("status");
      status.put("phase", "Pending");
      status.put("qosClass", PodQos.of(object.path("spec")));
      if (!object.path("spec").path("schedulingGates").isEmpty()) {
        // applySchedulingGatedCondition: kubectl shows SchedulingGated until the gates are gone
        status.putArray("conditions").addObject().put("type", "PodScheduled").put("status", "False")
            .putNull("lastProbeTime").putNull("lastTransitionTime").put("reason", "SchedulingGated")
            .put("message", "Scheduling is blocked due to non-empty scheduling gates");
      }
    } else if (type == ResourceTypes.DEPLOYMENTS || type == ResourceTypes.REPLICASETS
        || type == ResourceTypes.REPLICATIONCONTROLLERS || type == ResourceTypes.SERVICES
        || type == ResourceTypes.INGRESSES || type == ResourceTypes.STATEFULSETS) {
      ObjectNode status = object.putObject("status");
      if (type == ResourceTypes.SERVICES || type == ResourceTypes.INGRESSES) {
        status.putObject("loadBalancer");
      }
      if (type == ResourceTypes.STATEFULSETS) {
        // apps/v1 StatefulSetStatus writes these two counts even when zero (no omitempty)
        status.put("replicas", 0).put("availableReplicas", 0);
      } else if (type == ResourceTypes.REPLICASETS || type == ResourceTypes.REPLICATIONCONTROLLERS) {
        status.put("replicas", 0); // neither status has omitempty on its replicas
      }
    } else if (type == ResourceTypes.PODDISRUPTIONBUDGETS) {
      Defaults.disruptionCounts(object.putObject("status"));
    } else if (type == ResourceTypes.JOBS) {
      JobSelectors.generateIfNeeded(object);
      object.putObject("status");
      // kube-apiserver defaults again when it reads the Job back from storage: the Job takes the
      // generated template labels when it has none of its own
      Defaults.jobLabels(object);
    } else if (type == ResourceTypes.CRONJOBS) {
      object.putObject("status");
    } else if (type == ResourceTypes.PERSISTENTVOLUMECLAIMS) {
      object.putObject("status").put("phase", "Pending");
    } else if (type == ResourceTypes.RESOURCEQUOTAS) {
      object.putObject("status"); // resourcequotaStrategy.PrepareForCreate: the controller fills it in

    } else if (type == ResourceTypes.PERSISTENTVOLUMES) {
      object.putObject("status").put("phase", "Pending")
          .put("lastPhaseTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    } else if (type == ResourceTypes.DAEMONSETS) {
      // daemonSetStrategy.PrepareForCreate: an empty status (its four counts are not omitempty),
      // and a templateGeneration of at least 1
      ObjectNode status = object.putObject("status");
      for (String count : new String[] {"currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled",
          "numberReady"}) {
        status.put(count, 0);
      }
      long generation = templateGeneration(object);
      ObjectMeta.metadata(object).withObjectProperty("annotations")
          .put(TEMPLATE_GENERATION, Long.toString(Math.max(generation, 1)));
    }
  }

  /**
   * Resets what an update may not set: a DaemonSet's templateGeneration is the stored one, plus one
   * when a write to the main resource changes the template (daemonSetStrategy.PrepareForUpdate; its
   * status strategy keeps the whole spec, so a {@code /status} write never changes it).
   */
  static void prepareForUpdate(ResourceType type, String subresource, ObjectNode next, ObjectNode old) {
    if (type != ResourceTypes.DAEMONSETS) {
      return;
    }
    long generation = Math.max(templateGeneration(old), 1);
    if (subresource == null && !SameContent.same(next.path("spec").path("template"), old.path("spec").path("template"))) {
      generation++;
    }
    ObjectMeta.metadata(next).withObjectProperty("annotations").put(TEMPLATE_GENERATION, Long.toString(generation));
  }

  /** The DaemonSet's templateGeneration, 0 when its annotation is missing or no integer. */
  private static long templateGeneration(ObjectNode daemonSet) {
    try {
      return Long.parseLong(daemonSet.path("metadata").path("annotations").path(TEMPLATE_GENERATION).asText(""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * The propagation of a DELETE that names none (the strategy's DefaultGarbageCollectionPolicy):
   * batch/v1 Jobs orphan their pods, for compatibility; {@code kubectl delete job} asks for
   * Background itself. Null for every other kind (Background).
   */
  static String defaultPropagation(ResourceType type) {
    return type == ResourceTypes.JOBS ? "Orphan" : null;
  }

  /**
   * Whether anything outside metadata and status differs, or for a Deployment its annotations (which
   * its ReplicaSets copy) other than through {@code /status}: the rule for bumping generation.
   */
  static boolean specChanged(ResourceType type, String subresource, ObjectNode updated, ObjectNode old) {
    if (type == ResourceTypes.DEPLOYMENTS && subresource == null
        && !SameContent.same(annotations(updated), annotations(old))) {
      return true;
    }
    ObjectNode a = updated.deepCopy();
    ObjectNode b = old.deepCopy();
    for (ObjectNode o : new ObjectNode[] {a, b}) {
      o.remove("metadata");
      o.remove("status");
    }
    return !SameContent.same(a, b);
  }

  /** The annotations, with none and an empty map alike, as Go's DeepEqual on a decoded map. */
  private static JsonNode annotations(ObjectNode object) {
    JsonNode annotations = object.path("metadata").path("annotations");
    return annotations.isObject() && !annotations.isEmpty() ? annotations
        : JsonNodeFactory.instance.objectNode();
  }
}
