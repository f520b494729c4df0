package io.gantry.control.server.controller.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.resource.Quantity;
import io.gantry.control.server.selector.LabelSelector;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;

/**
 * Which volume may take which claim, as the binder's {@code findMatchingVolume} and
 * {@code checkVolumeSatisfyClaim} decide: the same class and volume mode, every access mode the claim asks
 * for, at least the storage it requests, and the labels its selector names.
 */
final class VolumeMatch {
  static final String CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

  private VolumeMatch() {}

  /** A claim not yet bound to a volume. */
  static boolean pending(ObjectNode claim) {
    return !ObjectMeta.isDeleting(claim) && claim.path("spec").path("volumeName").asText("").isEmpty();
  }

  /** Whether the volume is free for this claim: bound to nothing, or reserved for exactly this claim. */
  static boolean free(ObjectNode volume, ObjectNode claim) {
    JsonNode ref = volume.path("spec").path("claimRef");
    return !ObjectMeta.isDeleting(volume) && (!ref.isObject() || refersTo(ref, claim));
  }

  static boolean refersTo(JsonNode claimRef, ObjectNode claim) {
    String uid = claimRef.path("uid").asText("");
    return claimRef.isObject() && claimRef.path("namespace").asText("").equals(ObjectMeta.namespace(claim))
        && claimRef.path("name").asText("").equals(ObjectMeta.name(claim))
        && (uid.isEmpty() || uid.equals(ObjectMeta.text(claim, "uid")));
  }

  static boolean satisfies(ObjectNode volume, ObjectNode claim) {
    JsonNode spec = volume.path("spec");
    JsonNode wanted = claim.path("spec");
    if (!storageClass(volume).equals(storageClass(claim))
        || !spec.path("volumeMode").asText("Filesystem").equals(wanted.path("volumeMode").asText("Filesystem"))) {
      return false;
    }
    Set<String> modes = new HashSet<>();
    spec.path("accessModes").forEach(mode -> modes.add(mode.asText()));
    for (JsonNode mode : wanted.path("accessModes")) {
      if (!modes.contains(mode.asText())) {
        return false;
      }
    }
    BigDecimal request = quantity(wanted.path("resources").path("requests").path("storage"));
    if (request == null || capacity(volume).compareTo(request) < 0) {
      return false;
    }
    JsonNode selector = wanted.path("selector");
    return !selector.isObject() || LabelSelector.fromJson(selector).matches(volume.path("metadata").path("labels"));
  }

  /** The volume's storage capacity (0 when unreadable, which no claim fits). */
  static BigDecimal capacity(ObjectNode volume) {
    BigDecimal capacity = quantity(volume.path("spec").path("capacity").path("storage"));
    return capacity == null ? BigDecimal.ZERO : capacity;
  }

  /** {@code GetPersistentVolume(Claim)Class}: the beta annotation, else {@code spec.storageClassName}. */
  static String storageClass(ObjectNode object) {
    JsonNode annotation = object.path("metadata").path("annotations").path(CLASS_ANNOTATION);
    return annotation.isTextual() ? annotation.asText() : object.path("spec").path("storageClassName").asText("");
  }

  private static BigDecimal quantity(JsonNode value) {
    if (!value.isValueNode() || value.isNull()) {
      return null;
    }
    try {
      return Quantity.parse(value.asText());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
