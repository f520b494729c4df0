package io.gantry.control.server.controller.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.replicaset.Pods;
import io.gantry.control.server.controller.scheduler.NodeAffinity;
import io.gantry.control.server.controller.scheduler.Tolerations;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.json.SameContent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Comparator;
import java.util.Optional;

/**
 * Daemon pods as upstream's {@code pkg/controller/daemon/util} and {@code NodeShouldRunDaemonPod}
 * build and judge them: the template with the DaemonSet tolerations, the revision labels and a
 * required node affinity to one node; where a DaemonSet should run; which node a pod is for.
 */
final class DaemonPods {

  /** apps/v1 {@code DefaultDaemonSetUniqueLabelKey}: the template hash on a DaemonSet's pods and revisions. */
  static final String HASH_LABEL = "controller-revision-hash";
  /** The label carrying the DaemonSet's templateGeneration (extensions' {@code DaemonSetTemplateGenerationKey}). */
  static final String TEMPLATE_GENERATION_LABEL = "pod-template-generation";
  static final String TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

  private DaemonPods() {}

  /** Whether a node should run the DaemonSet's pod, and whether one already there may keep running. */
  record Placement(boolean shouldRun, boolean shouldContinueRunning) {}

  /**
   * NodeShouldRunDaemonPod: the template's {@code nodeName} (if any), nodeSelector and required node
   * affinity must fit the node; every NoSchedule and NoExecute taint must be tolerated by the pod with
   * the DaemonSet tolerations, else a pod there may stay only when it tolerates the NoExecute ones.
   */
  static Placement placement(ObjectNode daemonSet, ObjectNode node) {
    ObjectNode pod = Json.object();
    ObjectNode spec = podSpec(daemonSet);
    pod.set("spec", spec);
    String nodeName = spec.path("nodeName").asText("");
    if (!nodeName.isEmpty() && !nodeName.equals(ObjectMeta.name(node))) {
      return new Placement(false, false);
    }
    if (!NodeAffinity.matches(pod, node)) {
      return new Placement(false, false);
    }
    boolean fits = true;
    boolean noExecuteTolerated = true;
    for (JsonNode taint : node.path("spec").path("taints")) {
      String effect = taint.path("effect").asText("");
      if ((effect.equals("NoSchedule") || effect.equals("NoExecute")) && Tolerations.find(pod, taint).isEmpty()) {
        fits = false;
        noExecuteTolerated &= !effect.equals("NoExecute");
      }
    }
    return fits ? new Placement(true, true) : new Placement(false, noExecuteTolerated);
  }

  /** The template's pod spec with the DaemonSet tolerations (a copy). */
  private static ObjectNode podSpec(ObjectNode daemonSet) {
    JsonNode spec = daemonSet.path("spec").path("template").path("spec");
    ObjectNode copy = spec instanceof ObjectNode o ? o.deepCopy() : Json.object();
    addDaemonTolerations(copy);
    return copy;
  }

  /**
   * AddOrUpdateDaemonPodTolerations: not-ready and unreachable NoExecute without a time limit (the pods
   * survive taint-based eviction), disk-, memory- and pid-pressure and unschedulable NoSchedule, and
   * network-unavailable NoSchedule for host-network pods; each replaces a toleration it matches.
   */
  static void addDaemonTolerations(ObjectNode podSpec) {
    addOrUpdate(podSpec, "node.kubernetes.io/not-ready", "NoExecute");
    addOrUpdate(podSpec, "node.kubernetes.io/unreachable", "NoExecute");
    addOrUpdate(podSpec, "node.kubernetes.io/disk-pressure", "NoSchedule");
    addOrUpdate(podSpec, "node.kubernetes.io/memory-pressure", "NoSchedule");
    addOrUpdate(podSpec, "node.kubernetes.io/pid-pressure", "NoSchedule");
    addOrUpdate(podSpec, "node.kubernetes.io/unschedulable", "NoSchedule");
    if (podSpec.path("hostNetwork").asBoolean(false)) {
      addOrUpdate(podSpec, "node.kubernetes.io/network-unavailable", "NoSchedule");
    }
  }

  /** AddOrUpdateTolerationInPodSpec with an {@code Exists} toleration of key and effect. */
  private static void addOrUpdate(ObjectNode podSpec, String key, String effect) {
    ObjectNode wanted = Json.object();
    wanted.put("key", key);
    wanted.put("operator", "Exists");
    wanted.put("effect", effect);
    ArrayNode next = Json.MAPPER.createArrayNode();
    boolean updated = false;
    for (JsonNode toleration : podSpec.path("tolerations")) {
      // MatchToleration: same key, operator, value and effect
      boolean matches = key.equals(toleration.path("key").asText("")) && "Exists".equals(toleration.path("operator").asText(""))
          && toleration.path("value").asText("").isEmpty() && effect.equals(toleration.path("effect").asText(""));
      if (matches) {
        if (SameContent.same(toleration, wanted)) {
          return;
        }
        next.add(wanted);
        updated = true;
      } else {
        next.add(toleration);
      }
    }
    if (!updated) {
      next.add(wanted);
    }
    podSpec.set("tolerations", next);
  }

  /**
   * The pod for a node: CreatePodTemplate (the tolerations, {@code pod-template-generation} and
   * {@code controller-revision-hash} labels), then ReplaceDaemonSetPodNodeNameNodeAffinity (the required
   * node affinity becomes the single term {@code matchFields metadata.name In [node]}), controlled by the
   * DaemonSet and named from {@code <ds>-}.
   */
  static ObjectNode newPod(ObjectNode daemonSet, String hash, String nodeName) {
    ObjectNode template = daemonSet.path("spec").path("template") instanceof ObjectNode t ? t.deepCopy() : Json.object();
    ObjectNode spec = template.get("spec") instanceof ObjectNode s ? s : template.putObject("spec");
    addDaemonTolerations(spec);
    ObjectNode metadata = template.get("metadata") instanceof ObjectNode m ? m : template.putObject("metadata");
    ObjectNode labels = metadata.get("labels") instanceof ObjectNode l ? l : metadata.putObject("labels");
    String generation = daemonSet.path("metadata").path("annotations").path(TEMPLATE_GENERATION_ANNOTATION).asText("");
    if (!generation.isEmpty()) {
      labels.put(TEMPLATE_GENERATION_LABEL, generation);
    }
    if (!hash.isEmpty()) {
      labels.put(HASH_LABEL, hash);
    }
    ObjectNode term = Json.object();
    ObjectNode requirement = term.putArray("matchFields").addObject();
    requirement.put("key", "metadata.name");
    requirement.put("operator", "In");
    requirement.putArray("values").add(nodeName);
    ObjectNode affinity = spec.get("affinity") instanceof ObjectNode a ? a : spec.putObject("affinity");
    ObjectNode nodeAffinity = affinity.get("nodeAffinity") instanceof ObjectNode n ? n : affinity.putObject("nodeAffinity");
    nodeAffinity.putObject("requiredDuringSchedulingIgnoredDuringExecution").putArray("nodeSelectorTerms").add(term);
    return Pods.fromTemplate(ResourceTypes.DAEMONSETS, daemonSet, template, ObjectMeta.name(daemonSet) + "-");
  }

  /**
   * GetTargetNodeName: {@code spec.nodeName}, else the single value of a {@code metadata.name In}
   * requirement of the required node affinity; empty when neither says.
   */
  static Optional<String> targetNode(ObjectNode pod) {
    String nodeName = pod.path("spec").path("nodeName").asText("");
    if (!nodeName.isEmpty()) {
      return Optional.of(nodeName);
    }
    JsonNode terms = pod.path("spec").path("affinity").path("nodeAffinity")
        .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
    for (JsonNode term : terms) {
      for (JsonNode field : term.path("matchFields")) {
        if ("metadata.name".equals(field.path("key").asText()) && "In".equals(field.path("operator").asText())) {
          return field.path("values").size() == 1 ? Optional.of(field.path("values").get(0).asText())
              : Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * IsPodUpdated: the pod carries the current revision's hash, or the DaemonSet's templateGeneration.
   */
  static boolean isUpdated(ObjectNode pod, String hash, ObjectNode daemonSet) {
    JsonNode labels = pod.path("metadata").path("labels");
    String generation = daemonSet.path("metadata").path("annotations").path(TEMPLATE_GENERATION_ANNOTATION).asText("");
    boolean templateMatches = !generation.isEmpty() && generation.equals(labels.path(TEMPLATE_GENERATION_LABEL).asText(null));
    boolean hashMatches = !hash.isEmpty() && hash.equals(labels.path(HASH_LABEL).asText(""));
    return hashMatches || templateMatches;
  }

  /** podByCreationTimestampAndPhase: scheduled pods first, then oldest first, then by name. */
  static final Comparator<ObjectNode> OLDEST_SCHEDULED_FIRST = Comparator
      .comparing((ObjectNode p) -> p.path("spec").path("nodeName").asText("").isEmpty())
      .thenComparing(p -> ObjectMeta.text(p, "creationTimestamp"))
      .thenComparing(ObjectMeta::name);

  /** IsPodTerminal: Succeeded or Failed. */
  static boolean isTerminal(ObjectNode pod) {
    String phase = Pods.phase(pod);
    return phase.equals("Succeeded") || phase.equals("Failed");
  }
}
