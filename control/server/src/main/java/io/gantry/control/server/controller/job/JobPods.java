package io.gantry.control.server.controller.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.replicaset.Pods;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.util.Optional;

/** A Job's pods as the Job controller makes and judges them (upstream's job_controller and indexed_job_utils). */
final class JobPods {

  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
  static final String INDEX_ENV = "JOB_COMPLETION_INDEX";
  static final int UNKNOWN_INDEX = -1;
  /** names.MaxGeneratedNameLength: the room a generateName leaves for the random suffix. */
  private static final int MAX_GENERATE_NAME = 63 - 5;

  private JobPods() {}

  /** The completion index from the pod's annotation, or {@link #UNKNOWN_INDEX}. */
  static int index(ObjectNode pod) {
    String text = pod.path("metadata").path("annotations").path(COMPLETION_INDEX).asText("");
    try {
      int index = Integer.parseInt(text);
      return index >= 0 ? index : UNKNOWN_INDEX;
    } catch (NumberFormatException e) {
      return UNKNOWN_INDEX;
    }
  }

  static boolean succeeded(ObjectNode pod) {
    return "Succeeded".equals(Pods.phase(pod));
  }

  /**
   * isPodFailed: phase Failed, or, unless the Job replaces only failed pods, deleted before it
   * succeeded (an orphan that never gets to report Failed).
   */
  static boolean failed(ObjectNode pod, ObjectNode job) {
    if ("Failed".equals(Pods.phase(pod))) {
      return true;
    }
    if (onlyReplacesFailed(job)) {
      return false;
    }
    return ObjectMeta.isDeleting(pod) && !succeeded(pod);
  }

  /** Being deleted and not finished yet. */
  static boolean terminating(ObjectNode pod) {
    String phase = Pods.phase(pod);
    return ObjectMeta.isDeleting(pod) && !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  static boolean onlyReplacesFailed(ObjectNode job) {
    return "Failed".equals(job.path("spec").path("podReplacementPolicy").asText(""));
  }

  /** getFinishedTime: when the last container terminated, else when the pod turned unready, else when its deletion was asked, else now. */
  static Instant finishedAt(ObjectNode pod, Instant now) {
    Instant last = null;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      Optional<Instant> at = Pods.instant(status.path("state").path("terminated").path("finishedAt").asText(""));
      if (at.isPresent() && (last == null || at.get().isAfter(last))) {
        last = at.get();
      }
    }
    if (last != null) {
      return last;
    }
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText()) && "False".equals(condition.path("status").asText())) {
        Optional<Instant> at = Pods.instant(condition.path("lastTransitionTime").asText(""));
        if (at.isPresent()) {
          return at.get();
        }
      }
    }
    // deletionTimestamp is when the grace period ends: the deletion itself was that much earlier
    return Pods.instant(ObjectMeta.text(pod, "deletionTimestamp"))
        .map(at -> at.minusSeconds(pod.path("metadata").path("deletionGracePeriodSeconds").asLong(0)))
        .orElse(now);
  }

  /** The sum of the restart counts of a running or pending pod's containers (pastBackoffLimitOnFailure). */
  static int restarts(ObjectNode pod) {
    String phase = Pods.phase(pod);
    if (!"Running".equals(phase) && !"Pending".equals(phase)) {
      return 0;
    }
    int sum = 0;
    for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
      for (JsonNode status : pod.path("status").path(list)) {
        sum += status.path("restartCount").asInt(0);
      }
    }
    return sum;
  }

  /**
   * A pod for the Job, named {@code <job>-xxxxx}; for a completion index, {@code <job>-<index>-xxxxx}
   * with hostname {@code <job>-<index>}, the index in an annotation and a label, and
   * {@value #INDEX_ENV} in every container's environment.
   */
  static ObjectNode create(ObjectNode job, int index) {
    String name = ObjectMeta.name(job);
    JsonNode template = job.path("spec").path("template");
    if (index == UNKNOWN_INDEX) {
      return Pods.fromTemplate(ResourceTypes.JOBS, job, template, name + "-");
    }
    String suffix = "-" + index + "-";
    String prefix = name.length() + suffix.length() > MAX_GENERATE_NAME
        ? name.substring(0, MAX_GENERATE_NAME - suffix.length()) : name;
    ObjectNode pod = Pods.fromTemplate(ResourceTypes.JOBS, job, template, prefix + suffix);
    ObjectNode metadata = (ObjectNode) pod.get("metadata");
    metadata.withObjectProperty("annotations").put(COMPLETION_INDEX, Integer.toString(index));
    metadata.withObjectProperty("labels").put(COMPLETION_INDEX, Integer.toString(index));
    ObjectNode spec = (ObjectNode) pod.get("spec");
    spec.put("hostname", name + "-" + index);
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode container : spec.path(list)) {
        if (container instanceof ObjectNode c) {
          addIndexEnv(c);
        }
      }
    }
    return pod;
  }

  /** addCompletionIndexEnvVariable: the downward API's view of the annotation, unless the container names the variable. */
  private static void addIndexEnv(ObjectNode container) {
    for (JsonNode env : container.path("env")) {
      if (INDEX_ENV.equals(env.path("name").asText())) {
        return;
      }
    }
    ArrayNode env = container.get("env") instanceof ArrayNode a ? a : container.putArray("env");
    ObjectNode variable = env.addObject().put("name", INDEX_ENV);
    variable.putObject("valueFrom").putObject("fieldRef").put("fieldPath",
        "metadata.annotations['" + COMPLETION_INDEX + "']");
  }
}
