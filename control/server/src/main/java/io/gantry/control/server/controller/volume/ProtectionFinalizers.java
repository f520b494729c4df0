package io.gantry.control.server.controller.volume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;

/**
 * kube-controller-manager's protectionutil and the sync both protection controllers share: a protection
 * finalizer goes once its object is being deleted and no longer in use, and is added to one that lacks it.
 */
final class ProtectionFinalizers {

  /** Whether the object is still in use (isBeingUsed). */
  @FunctionalInterface
  interface InUse {
    boolean test(ObjectNode object) throws ApiException;
  }

  private ProtectionFinalizers() {}

  /** IsDeletionCandidate: being deleted and still holding the finalizer. */
  static boolean deletionCandidate(ObjectNode object, String finalizer) {
    return ObjectMeta.isDeleting(object) && ObjectMeta.hasFinalizer(object, finalizer);
  }

  /**
   * NeedToAddFinalizer: not being deleted and without the finalizer (an object created before the
   * admission plugin ran, or through a registry without it).
   */
  static boolean needToAdd(ObjectNode object, String finalizer) {
    return !ObjectMeta.isDeleting(object) && !ObjectMeta.hasFinalizer(object, finalizer);
  }

  /** Removes the finalizer from an unused object being deleted, or adds it where missing; a gone object is no error. */
  static void sync(ObjectRegistry registry, ResourceType type, ObjectNode object, String finalizer, InUse inUse)
      throws ApiException {
    ObjectNode next = object.deepCopy();
    if (deletionCandidate(object, finalizer)) {
      if (inUse.test(object)) {
        return;
      }
      ObjectMeta.removeFinalizer(next, finalizer);
    } else if (needToAdd(object, finalizer)) {
      ObjectMeta.addFinalizer(next, finalizer);
    } else {
      return;
    }
    try {
      registry.update(type, type.namespaced() ? ObjectMeta.namespace(object) : null, ObjectMeta.name(object), next,
          null);
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }
}
