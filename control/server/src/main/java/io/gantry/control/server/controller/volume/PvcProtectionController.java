package io.gantry.control.server.controller.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.registry.StorageObjectInUseProtectionAdmission;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Objects;
import java.util.Optional;

/**
 * kube-controller-manager's pvc-protection controller: a PersistentVolumeClaim being deleted keeps the
 * {@code kubernetes.io/pvc-protection} finalizer while a pod of its namespace uses it ({@link #uses}),
 * and loses it, so that it goes, once none does. A claim not being deleted that lacks the finalizer gets
 * it, as upstream adds it to claims made before the admission plugin. Like upstream, it records no events.
 *
 * <p>Keys are {@code namespace/name} of claims. A claim marked for deletion is queued by its own change;
 * pods queue the claims they name when they are deleted, finish, start being deleted or are not scheduled,
 * as only those can release a claim. The pod informer is asked first; when it knows no user, the pods of
 * the namespace are listed live, as upstream does, so that a pod created a moment ago is not missed.
 */
public final class PvcProtectionController implements AutoCloseable {
  private static final String FINALIZER = StorageObjectInUseProtectionAdmission.PVC_FINALIZER;

  private final ObjectRegistry registry;
  private final Informer claims = Informer.of(ResourceTypes.PERSISTENTVOLUMECLAIMS);
  private final Informer pods = Informer.of(ResourceTypes.PODS);
  private final WorkQueue<String> queue = new WorkQueue<>("pvcprotection");
  private volatile ControllerLoop<String> loop;

  private PvcProtectionController(ObjectRegistry registry) {
    this.registry = registry;
  }

  public static PvcProtectionController start(ObjectRegistry registry, ObjectWatcher watcher) {
    PvcProtectionController controller = new PvcProtectionController(Objects.requireNonNull(registry, "registry"));
    controller.claims.listener((type, claim, old) -> {
      if (type != ObjectEvent.Type.DELETED && (ProtectionFinalizers.needToAdd(claim, FINALIZER)
          || ProtectionFinalizers.deletionCandidate(claim, FINALIZER))) {
        controller.queue.add(Informer.key(claim));
      }
    });
    controller.pods.listener((type, pod, old) -> {
      if (type == ObjectEvent.Type.DELETED || mayRelease(pod)) {
        controller.enqueueClaims(pod);
      }
    });
    controller.pods.start(Objects.requireNonNull(watcher, "watcher"));
    controller.claims.start(watcher);
    controller.loop = ControllerLoop.start("pvcprotection", controller.queue, controller::reconcile, 1);
    return controller;
  }

  void reconcile(String key) throws ApiException {
    Optional<ObjectNode> found = claims.get(key);
    if (found.isEmpty()) {
      return;
    }
    ProtectionFinalizers.sync(registry, ResourceTypes.PERSISTENTVOLUMECLAIMS, found.get(), FINALIZER, this::inUse);
  }

  /** isBeingUsed: a user in the informer's cache, else in a live list of the namespace's pods. */
  private boolean inUse(ObjectNode claim) throws ApiException {
    String namespace = ObjectMeta.namespace(claim);
    for (ObjectNode pod : pods.list(namespace)) {
      if (uses(pod, claim)) {
        return true;
      }
    }
    for (ObjectNode pod : registry.list(ResourceTypes.PODS, namespace, null, null, 0, null).items()) {
      if (uses(pod, claim)) {
        return true;
      }
    }
    return false;
  }

  /**
   * podUsesPVC, as in Kubernetes 1.32: only a scheduled pod uses a claim (the kubelet sees no other, and
   * starts none whose claim is being deleted). It uses the claim that one of its volumes names in
   * {@code persistentVolumeClaim.claimName}, whatever its phase, until the pod object is gone (a pod that
   * has Succeeded or Failed still holds it; upstream did not merge the change that would let it go); and
   * the claim {@code <pod>-<volume>} of an {@code ephemeral} volume when the pod controls that claim,
   * until the pod is shut down (being deleted with a grace period of 0).
   */
  static boolean uses(ObjectNode pod, ObjectNode claim) {
    if (pod.path("spec").path("nodeName").asText("").isEmpty()) {
      return false;
    }
    String name = ObjectMeta.name(claim);
    for (JsonNode volume : pod.path("spec").path("volumes")) {
      if (name.equals(volume.path("persistentVolumeClaim").path("claimName").asText(null))) {
        return true;
      }
      if (volume.path("ephemeral").isObject() && !shutDown(pod)
          && name.equals(ephemeralClaimName(pod, volume))
          && OwnerReferences.isControlledBy(claim, ObjectMeta.text(pod, "uid"))) {
        return true;
      }
    }
    return false;
  }

  /** podIsShutDown: the kubelet is done with it (its final delete has grace 0), or it was force-deleted. */
  static boolean shutDown(ObjectNode pod) {
    JsonNode grace = pod.path("metadata").path("deletionGracePeriodSeconds");
    return ObjectMeta.isDeleting(pod) && grace.isNumber() && grace.asLong() == 0;
  }

  /**
   * Whether a change of this pod can let a claim go (enqueuePVCs' filter): it is not scheduled, has
   * finished, or is being deleted.
   */
  private static boolean mayRelease(ObjectNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return pod.path("spec").path("nodeName").asText("").isEmpty() || phase.equals("Succeeded")
        || phase.equals("Failed") || ObjectMeta.isDeleting(pod);
  }

  private void enqueueClaims(ObjectNode pod) {
    String namespace = ObjectMeta.namespace(pod);
    for (JsonNode volume : pod.path("spec").path("volumes")) {
      String claim = volume.path("persistentVolumeClaim").path("claimName").asText("");
      if (!claim.isEmpty()) {
        queue.add(Informer.key(namespace, claim));
      } else if (volume.path("ephemeral").isObject()) {
        queue.add(Informer.key(namespace, ephemeralClaimName(pod, volume)));
      }
    }
  }

  /** The claim of a generic ephemeral volume: {@code <pod name>-<volume name>}. */
  private static String ephemeralClaimName(ObjectNode pod, JsonNode volume) {
    return ObjectMeta.name(pod) + "-" + volume.path("name").asText("");
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    }
    pods.close();
    claims.close();
  }
}
