package io.gantry.control.server.controller.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;

/** kube-controller-manager's protectionutil: when a protection finalizer is to be added or may be removed. */
final class ProtectionFinalizers {

  private ProtectionFinalizers() {}

  static boolean has(ObjectNode object, String finalizer) {
    for (JsonNode present : object.path("metadata").path("finalizers")) {
      if (finalizer.equals(present.asText())) {
        return true;
      }
    }
    return false;
  }

  /** IsDeletionCandidate: being deleted and still holding the finalizer. */
  static boolean deletionCandidate(ObjectNode object, String finalizer) {
    return ObjectMeta.isDeleting(object) && has(object, finalizer);
  }

  /**
   * NeedToAddFinalizer: not being deleted and without the finalizer (an object created before the
   * admission plugin ran, or through a registry without it).
   */
  static boolean needToAdd(ObjectNode object, String finalizer) {
    return !ObjectMeta.isDeleting(object) && !has(object, finalizer);
  }

  /** A copy of the object with the finalizer appended. */
  static ObjectNode adding(ObjectNode object, String finalizer) {
    ObjectNode copy = object.deepCopy();
    ObjectNode metadata = ObjectMeta.metadata(copy);
    ArrayNode finalizers = metadata.get("finalizers") instanceof ArrayNode list ? list : metadata.putArray("finalizers");
    finalizers.add(finalizer);
    return copy;
  }

  /** A copy of the object without the finalizer (the others kept in order). */
  static ObjectNode removing(ObjectNode object, String finalizer) {
    ObjectNode copy = object.deepCopy();
    ArrayNode kept = copy.arrayNode();
    for (JsonNode present : object.path("metadata").path("finalizers")) {
      if (!finalizer.equals(present.asText())) {
        kept.add(present);
      }
    }
    ObjectMeta.metadata(copy).set("finalizers", kept);
    return copy;
  }
}
