package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;

/**
 * kube-apiserver's StorageObjectInUseProtection admission plugin (on by default): every
 * PersistentVolumeClaim created gets the {@value #PVC_FINALIZER} finalizer and every
 * PersistentVolume {@value #PV_FINALIZER}, unless it already names it. The pvc-protection and
 * pv-protection controllers remove them once the claim is used by no pod, or the volume is no
 * longer Bound, so that neither goes while in use; until then a delete only marks it Terminating.
 */
public final class StorageObjectInUseProtectionAdmission implements WritePlugin {

  /** Held by a claim until no pod uses it. */
  public static final String PVC_FINALIZER = "kubernetes.io/pvc-protection";

  /** Held by a volume until it is no longer Bound. */
  public static final String PV_FINALIZER = "kubernetes.io/pv-protection";

  @Override
  public void admitCreate(ResourceType type, ObjectNode object) {
    String finalizer = finalizerOf(type);
    if (finalizer != null) {
      ObjectMeta.addFinalizer(object, finalizer);
    }
  }

  /** The protection finalizer of a kind, or null for kinds that have none. */
  public static String finalizerOf(ResourceType type) {
    if (type == ResourceTypes.PERSISTENTVOLUMECLAIMS) {
      return PVC_FINALIZER;
    }
    return type == ResourceTypes.PERSISTENTVOLUMES ? PV_FINALIZER : null;
  }
}
