package io.gantry.control.server.controller.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A StatefulSet's PersistentVolumeClaims as upstream's {@code stateful_set_utils.go} makes and owns them:
 * one per claim template and pod, named {@code <template>-<pod>}, and owned as the set's
 * {@code persistentVolumeClaimRetentionPolicy} asks (the StatefulSetAutoDeletePVC feature, GA in 1.32):
 *
 * <ul>
 *   <li>Retain / Retain: no reference to the set or the pod;
 *   <li>whenDeleted Delete: a controller reference to the set, so the claims go with it;
 *   <li>whenScaled Delete: a controller reference to a pod removed by a scale-down (ordinal outside the
 *       replicas), so its claims go with it; with both Delete, the set's reference while the pod is in
 *       range and the pod's once it is not.
 * </ul>
 *
 * <p>References naming the set or the pod with another uid are stale (a previous namesake's) and left
 * alone, as are claims another controller controls.
 */
final class StatefulClaims {

  /** The policy's two answers; anything but {@code Delete} retains, as validation allows nothing else. */
  record Policy(boolean deleteWhenDeleted, boolean deleteWhenScaled) {
    static Policy of(ObjectNode set) {
      JsonNode policy = set.path("spec").path("persistentVolumeClaimRetentionPolicy");
      return new Policy("Delete".equals(policy.path("whenDeleted").asText()),
          "Delete".equals(policy.path("whenScaled").asText()));
    }

    boolean retainsAll() {
      return !deleteWhenDeleted && !deleteWhenScaled;
    }
  }

  private StatefulClaims() {}

  /** {@code getPersistentVolumeClaimName}: the claim of template {@code template} for the pod. */
  static String claimName(String template, String podName) {
    return template + "-" + podName;
  }

  /**
   * {@code getPersistentVolumeClaims}: the claims the pod needs, by template name, each from its template
   * (spec, labels, annotations) in the set's namespace, labelled with the set's {@code matchLabels} too.
   */
  static Map<String, ObjectNode> claimsFor(ObjectNode set, String podName) {
    Map<String, ObjectNode> claims = new LinkedHashMap<>();
    JsonNode matchLabels = set.path("spec").path("selector").path("matchLabels");
    for (JsonNode template : set.path("spec").path("volumeClaimTemplates")) {
      String templateName = template.path("metadata").path("name").asText("");
      ObjectNode claim = Json.object();
      claim.put("apiVersion", "v1");
      claim.put("kind", "PersistentVolumeClaim");
      ObjectNode metadata = claim.putObject("metadata");
      metadata.put("name", claimName(templateName, podName));
      metadata.put("namespace", ObjectMeta.namespace(set));
      ObjectNode labels = template.path("metadata").get("labels") instanceof ObjectNode l ? l.deepCopy() : Json.object();
      if (matchLabels instanceof ObjectNode m) {
        labels.setAll(m.deepCopy());
      }
      if (!labels.isEmpty()) {
        metadata.set("labels", labels);
      }
      if (template.path("metadata").get("annotations") instanceof ObjectNode a && !a.isEmpty()) {
        metadata.set("annotations", a.deepCopy());
      }
      claim.set("spec", template.get("spec") instanceof ObjectNode s ? s.deepCopy() : Json.object());
      claims.put(templateName, claim);
    }
    return claims;
  }

  /** {@code podInOrdinalRange}: the pod's ordinal is one of the set's replicas. */
  static boolean inOrdinalRange(ObjectNode set, String podName) {
    OptionalInt ordinal = StatefulPods.ordinal(podName);
    int start = StatefulPods.startOrdinal(set);
    int replicas = Math.max(0, set.path("spec").path("replicas").asInt(1));
    return ordinal.isPresent() && ordinal.getAsInt() >= start && ordinal.getAsInt() < start + replicas;
  }

  /**
   * {@code hasStaleOwnerRef}: the claim refers to an object of this kind and name with another uid (for a
   * pod not yet created, any uid: the reference is its predecessor's).
   */
  static boolean hasStaleOwnerRef(ObjectNode claim, ResourceType kind, String name, String uid) {
    for (ObjectNode ref : OwnerReferences.of(claim)) {
      if (matchesRef(ref, kind, name)) {
        return !ref.path("uid").asText().equals(uid);
      }
    }
    return false;
  }

  /**
   * {@code isClaimOwnerUpToDate}: whether the claim's references to the set and the pod are as the
   * policy wants; a claim with stale references, or controlled by someone else, counts as up to date
   * (it is not touched).
   */
  static boolean ownerUpToDate(ObjectNode claim, ObjectNode set, ObjectNode pod) {
    String setUid = ObjectMeta.text(set, "uid");
    String podUid = ObjectMeta.text(pod, "uid");
    if (hasStaleOwnerRef(claim, ResourceTypes.STATEFULSETS, ObjectMeta.name(set), setUid)
        || hasStaleOwnerRef(claim, ResourceTypes.PODS, ObjectMeta.name(pod), podUid)) {
      return true;
    }
    boolean refSet = hasOwnerRef(claim, setUid);
    boolean refPod = hasOwnerRef(claim, podUid);
    if (hasUnexpectedController(claim, set, pod)) {
      return !refSet && !refPod; // ours must go, but none is added beside another controller
    }
    if (hasNonControllerOwner(claim, setUid, podUid)) {
      return false; // the references of releases before 1.32, which were no controller references
    }
    Policy policy = Policy.of(set);
    boolean scaledDown = !inOrdinalRange(set, ObjectMeta.name(pod));
    boolean wantSet = policy.deleteWhenDeleted() && !(policy.deleteWhenScaled() && scaledDown);
    boolean wantPod = policy.deleteWhenScaled() && scaledDown;
    return refSet == wantSet && refPod == wantPod;
  }

  /**
   * {@code updateClaimOwnerRefForSetAndPod}: the claim (changed in place) with its references to the set
   * and the pod replaced by those the policy wants.
   */
  static void updateOwners(ObjectNode claim, ObjectNode set, ObjectNode pod) {
    boolean unexpectedController = hasUnexpectedController(claim, set, pod);
    ArrayNode kept = Json.MAPPER.createArrayNode();
    for (ObjectNode ref : OwnerReferences.of(claim)) {
      if (!matchesRef(ref, ResourceTypes.STATEFULSETS, ObjectMeta.name(set))
          && !matchesRef(ref, ResourceTypes.PODS, ObjectMeta.name(pod))) {
        kept.add(ref);
      }
    }
    if (!unexpectedController) {
      Policy policy = Policy.of(set);
      boolean scaledDown = !inOrdinalRange(set, ObjectMeta.name(pod));
      if (policy.deleteWhenScaled() && scaledDown && !ObjectMeta.text(pod, "uid").isEmpty()) {
        kept.add(OwnerReferences.controllerRef(ResourceTypes.PODS, pod));
      } else if (policy.deleteWhenDeleted()) {
        kept.add(OwnerReferences.controllerRef(ResourceTypes.STATEFULSETS, set));
      }
    }
    if (kept.isEmpty()) {
      ObjectMeta.metadata(claim).remove("ownerReferences");
    } else {
      ObjectMeta.metadata(claim).set("ownerReferences", kept);
    }
  }

  /**
   * {@code hasUnexpectedController}: under a Delete policy, a controller other than the set and the pod,
   * or a reference to either with another uid (its objects were orphaned wrongly: leave them to the
   * garbage collector).
   */
  private static boolean hasUnexpectedController(ObjectNode claim, ObjectNode set, ObjectNode pod) {
    if (Policy.of(set).retainsAll()) {
      return false;
    }
    for (ObjectNode ref : OwnerReferences.of(claim)) {
      String uid = ref.path("uid").asText();
      if (matchesRef(ref, ResourceTypes.STATEFULSETS, ObjectMeta.name(set))) {
        if (!uid.equals(ObjectMeta.text(set, "uid"))) {
          return true;
        }
      } else if (matchesRef(ref, ResourceTypes.PODS, ObjectMeta.name(pod))) {
        if (!uid.equals(ObjectMeta.text(pod, "uid"))) {
          return true;
        }
      } else if (ref.path("controller").asBoolean(false)) {
        return true;
      }
    }
    return false;
  }

  /** {@code hasNonControllerOwner}: the set or the pod owns the claim without being its controller. */
  private static boolean hasNonControllerOwner(ObjectNode claim, String setUid, String podUid) {
    for (ObjectNode ref : OwnerReferences.of(claim)) {
      String uid = ref.path("uid").asText();
      if ((uid.equals(setUid) || uid.equals(podUid)) && !ref.path("controller").asBoolean(false)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasOwnerRef(ObjectNode claim, String ownerUid) {
    if (ownerUid.isEmpty()) {
      return false;
    }
    for (ObjectNode ref : OwnerReferences.of(claim)) {
      if (ownerUid.equals(ref.path("uid").asText())) {
        return true;
      }
    }
    return false;
  }

  /** {@code matchesRef}: the reference names an object of this kind (and group version) and name. */
  private static boolean matchesRef(ObjectNode ref, ResourceType kind, String name) {
    return kind.apiVersion().equals(ref.path("apiVersion").asText()) && kind.kind().equals(ref.path("kind").asText())
        && name.equals(ref.path("name").asText());
  }
}
