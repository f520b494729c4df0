package io.gantry.control.server.controller.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.replicaset.Pods;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A StatefulSet's pods as upstream's {@code stateful_set_utils.go} makes and judges them: named
 * {@code <set>-<ordinal>}, with their identity (name labels, hostname, subdomain), their claim volumes
 * and the revision they were made from.
 */
final class StatefulPods {

  static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
  static final String REVISION_LABEL = "controller-revision-hash";

  /** {@code statefulPodRegex}: the parent's name, a dash, the ordinal. */
  private static final Pattern STATEFUL_POD = Pattern.compile("(.*)-([0-9]+)$");

  private StatefulPods() {}

  /** The ordinal in the pod's name, if it has one. */
  static OptionalInt ordinal(ObjectNode pod) {
    return ordinal(ObjectMeta.name(pod));
  }

  /** The ordinal in a pod name, if it has one. */
  static OptionalInt ordinal(String podName) {
    Matcher m = STATEFUL_POD.matcher(podName);
    if (!m.matches()) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(m.group(2)));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** {@code isMemberOf}: the pod's name is {@code <set>-<ordinal>}. */
  static boolean isMemberOf(ObjectNode set, ObjectNode pod) {
    return isMemberName(ObjectMeta.name(set), ObjectMeta.name(pod));
  }

  /** Whether {@code podName} is {@code <setName>-<ordinal>}. */
  static boolean isMemberName(String setName, String podName) {
    Matcher m = STATEFUL_POD.matcher(podName);
    return m.matches() && m.group(1).equals(setName);
  }

  static int startOrdinal(ObjectNode set) {
    return Math.max(0, set.path("spec").path("ordinals").path("start").asInt(0));
  }

  static String revision(ObjectNode pod) {
    return pod.path("metadata").path("labels").path(REVISION_LABEL).asText("");
  }

  /**
   * {@code newStatefulSetPod} and {@code setPodRevision}: a pod from {@code template} (the template of
   * the revision it is made from), controlled by the set, with its identity and claim volumes.
   */
  static ObjectNode newPod(ObjectNode set, JsonNode template, int ordinal, String revisionName) {
    ObjectNode pod = Pods.fromTemplate(ResourceTypes.STATEFULSETS, set, template, "");
    String name = ObjectMeta.name(set) + "-" + ordinal;
    ObjectNode metadata = (ObjectNode) pod.get("metadata");
    metadata.remove("generateName");
    metadata.put("name", name);
    ObjectNode labels = metadata.get("labels") instanceof ObjectNode l ? l : metadata.putObject("labels");
    labels.put(POD_NAME_LABEL, name);
    labels.put(POD_INDEX_LABEL, Integer.toString(ordinal));
    labels.put(REVISION_LABEL, revisionName);
    ObjectNode spec = (ObjectNode) pod.get("spec");
    spec.put("hostname", name);
    String serviceName = set.path("spec").path("serviceName").asText("");
    if (!serviceName.isEmpty()) {
      spec.put("subdomain", serviceName);
    }
    claimVolumes(set, spec, name);
    return pod;
  }

  /**
   * {@code updateStorage}: a volume per claim template, named as the template, using the claim
   * {@code <template>-<pod>}; the template's own volumes of other names follow.
   */
  private static void claimVolumes(ObjectNode set, ObjectNode spec, String podName) {
    JsonNode claims = set.path("spec").path("volumeClaimTemplates");
    if (claims.isEmpty()) {
      return;
    }
    ArrayNode volumes = spec.arrayNode();
    Set<String> claimNames = new HashSet<>();
    for (JsonNode claim : claims) {
      String name = claim.path("metadata").path("name").asText("");
      claimNames.add(name);
      ObjectNode volume = volumes.addObject().put("name", name);
      volume.putObject("persistentVolumeClaim").put("claimName", StatefulClaims.claimName(name, podName));
    }
    for (JsonNode volume : spec.path("volumes")) {
      if (!claimNames.contains(volume.path("name").asText(""))) {
        volumes.add(volume);
      }
    }
    spec.set("volumes", volumes);
  }

  /** {@code isRunningAndReady}: phase Running and the Ready condition True. */
  static boolean isRunningAndReady(ObjectNode pod) {
    return "Running".equals(Pods.phase(pod)) && Pods.isReady(pod);
  }

  /** {@code isRunningAndAvailable}: running and ready for {@code minReadySeconds}. */
  static boolean isRunningAndAvailable(ObjectNode pod, long minReadySeconds, Instant now) {
    return "Running".equals(Pods.phase(pod)) && Pods.isAvailable(pod, minReadySeconds, now);
  }

  /** {@code isHealthy}: running, ready and not terminating. */
  static boolean isHealthy(ObjectNode pod) {
    return isRunningAndReady(pod) && !ObjectMeta.isDeleting(pod);
  }

  /** {@code isFailed} or {@code isSucceeded}: the pod ended and must be replaced. */
  static boolean hasEnded(ObjectNode pod) {
    String phase = Pods.phase(pod);
    return "Failed".equals(phase) || "Succeeded".equals(phase);
  }

  /** Whether the pod lacks an identity label the controller sets ({@code identityMatches}, labels only). */
  static boolean identityMismatch(ObjectNode pod, int ordinal) {
    JsonNode labels = pod.path("metadata").path("labels");
    return !ObjectMeta.name(pod).equals(labels.path(POD_NAME_LABEL).asText(null))
        || !Integer.toString(ordinal).equals(labels.path(POD_INDEX_LABEL).asText(null));
  }
}
