package io.gantry.control.server.controller.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.json.SameContent;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.registry.StorageClasses;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * kube-controller-manager's persistentvolume-binder, for volumes made by hand (there is no provisioner):
 * an unbound PersistentVolume is Available; a Pending claim is bound to the smallest Available volume that
 * satisfies it ({@link VolumeMatch}), or to the one it names in {@code spec.volumeName}, or that names it
 * in its {@code claimRef}; both then show Bound, the claim with the volume's capacity and access modes.
 * A bound volume whose claim is gone is Released, whatever its reclaim policy (nothing here can recycle
 * or delete storage), also while it is being deleted, which lets {@link PvProtectionController} release it;
 * a bound claim whose volume is gone is Lost. A Pending claim without a class that no class-less volume
 * satisfies is given the default StorageClass once there is one (the retroactive default assignment of
 * 1.28), and then binds like any claim of that class. The class's volumeBindingMode is not consulted:
 * without a scheduler that picks volumes, WaitForFirstConsumer claims bind at once as Immediate ones do.
 *
 * <p>Keys are {@code volume:NAME} and {@code claim:NAMESPACE/NAME}; one worker binds, so two claims
 * never take one volume. A write that loses a race (409) throws and is retried from the informers'
 * newer state.
 */
public final class PersistentVolumeBinder implements AutoCloseable {
  static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
  static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
  static final String STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
  static final String BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";

  private final ObjectRegistry registry;
  private final EventRecorder events;
  private final Informer volumes = Informer.of(ResourceTypes.PERSISTENTVOLUMES);
  private final Informer claims = Informer.of(ResourceTypes.PERSISTENTVOLUMECLAIMS);
  private final Informer classes = Informer.of(ResourceTypes.STORAGECLASSES);
  private final WorkQueue<String> queue = new WorkQueue<>("persistentvolume-binder");
  private volatile ControllerLoop<String> loop;

  private PersistentVolumeBinder(ObjectRegistry registry) {
    this.registry = registry;
    this.events = new EventRecorder(registry, registry.clock(), "persistentvolume-controller");
  }

  public static PersistentVolumeBinder start(ObjectRegistry registry, ObjectWatcher watcher) {
    PersistentVolumeBinder binder = new PersistentVolumeBinder(Objects.requireNonNull(registry, "registry"));
    binder.volumes.listener((type, volume, old) -> {
      binder.queue.add("volume:" + ObjectMeta.name(volume));
      if (type == ObjectEvent.Type.DELETED) {
        String claim = claimKey(volume);
        if (claim != null) {
          binder.queue.add(claim);
        }
      } else {
        // a volume that appears or changes may be what a Pending claim waits for
        binder.claims.list().stream().filter(VolumeMatch::pending).forEach(c -> binder.queue.add(key(c)));
      }
    });
    binder.claims.listener((type, claim, old) -> {
      binder.queue.add(key(claim));
      String volume = claim.path("spec").path("volumeName").asText("");
      if (type == ObjectEvent.Type.DELETED && !volume.isEmpty()) {
        binder.queue.add("volume:" + volume);
      }
    });
    binder.classes.listener((type, storageClass, old) -> {
      // a new default may be what a Pending claim without a class waits for, a new class what its claims do
      if (type != ObjectEvent.Type.DELETED) {
        binder.claims.list().stream().filter(VolumeMatch::pending).forEach(c -> binder.queue.add(key(c)));
      }
    });
    binder.volumes.start(Objects.requireNonNull(watcher, "watcher"));
    binder.claims.start(watcher);
    binder.classes.start(watcher);
    binder.loop = ControllerLoop.start("persistentvolume-binder", binder.queue, binder::reconcile, 1);
    return binder;
  }

  void reconcile(String key) throws ApiException {
    if (key.startsWith("volume:")) {
      Optional<ObjectNode> volume = volumes.get(null, key.substring("volume:".length()));
      if (volume.isPresent()) {
        syncVolume(volume.get());
      }
    } else {
      Optional<ObjectNode> claim = claims.get(key.substring("claim:".length()));
      if (claim.isPresent()) {
        syncClaim(claim.get());
      }
    }
  }

  private void syncVolume(ObjectNode volume) throws ApiException {
    // a volume being deleted is synced too: pv-protection holds it until it leaves Bound
    JsonNode claimRef = volume.path("spec").path("claimRef");
    if (!claimRef.isObject()) {
      setPhase(ResourceTypes.PERSISTENTVOLUMES, volume, "Available");
      return;
    }
    Optional<ObjectNode> claim = claims.get(claimRef.path("namespace").asText(""), claimRef.path("name").asText(""));
    String uid = claimRef.path("uid").asText("");
    if (claim.isEmpty() || !uid.isEmpty() && !uid.equals(ObjectMeta.text(claim.get(), "uid"))) {
      if (!uid.isEmpty()) {
        setPhase(ResourceTypes.PERSISTENTVOLUMES, volume, "Released");
      } else {
        setPhase(ResourceTypes.PERSISTENTVOLUMES, volume, "Available"); // reserved for a claim to come
      }
    }
  }

  private void syncClaim(ObjectNode claim) throws ApiException {
    if (ObjectMeta.isDeleting(claim)) {
      return;
    }
    String volumeName = claim.path("spec").path("volumeName").asText("");
    if (!volumeName.isEmpty()) {
      Optional<ObjectNode> volume = volumes.get(null, volumeName);
      if (volume.isEmpty()) {
        if (!claim.path("metadata").path("annotations").path(BIND_COMPLETED).asText("").isEmpty()) {
          setPhase(ResourceTypes.PERSISTENTVOLUMECLAIMS, claim, "Lost");
          events.record(claim, "Warning", "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the"
              + " volume is lost!");
        }
        return;
      }
      JsonNode claimRef = volume.get().path("spec").path("claimRef");
      if (!claimRef.isObject() || VolumeMatch.refersTo(claimRef, claim)) {
        bind(volume.get(), claim);
      }
      return;
    }
    Optional<ObjectNode> best = volumes.list().stream()
        .filter(volume -> VolumeMatch.free(volume, claim) && VolumeMatch.satisfies(volume, claim))
        .min(Comparator.comparing((ObjectNode volume) -> !VolumeMatch.refersTo(volume.path("spec").path("claimRef"), claim))
            .thenComparing(VolumeMatch::capacity));
    if (best.isPresent()) {
      bind(best.get(), claim);
    } else if (assignDefaultClass(claim)) {
      return; // the claim's update brings it back with its class
    } else if (VolumeMatch.storageClass(claim).isEmpty()) {
      events.record(claim, "Normal", "FailedBinding",
          "no persistent volumes available for this claim and no storage class is set");
    } else {
      waitForProvisioning(claim, VolumeMatch.storageClass(claim));
    }
  }

  /**
   * What upstream's binder says of a claim of a class no volume fits: the class is missing, it waits for
   * a pod (WaitForFirstConsumer), its in-tree provisioner does not exist here, or it waits for the external
   * provisioner the class names, which the claim is annotated with as {@code setClaimProvisioner} does.
   */
  private void waitForProvisioning(ObjectNode claim, String className) throws ApiException {
    Optional<ObjectNode> storageClass = classes.get(null, className);
    if (storageClass.isEmpty()) {
      events.record(claim, "Warning", "ProvisioningFailed", "storageclass.storage.k8s.io \"" + className
          + "\" not found");
      return;
    }
    String provisioner = storageClass.get().path("provisioner").asText("");
    if ("WaitForFirstConsumer".equals(storageClass.get().path("volumeBindingMode").asText(""))) {
      events.record(claim, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
    } else if (provisioner.startsWith("kubernetes.io/")) {
      events.record(claim, "Warning", "ProvisioningFailed", "no volume plugin matched name: " + provisioner);
    } else {
      JsonNode annotations = claim.path("metadata").path("annotations");
      if (!provisioner.equals(annotations.path(STORAGE_PROVISIONER).asText(null))
          || !provisioner.equals(annotations.path(BETA_STORAGE_PROVISIONER).asText(null))) {
        ObjectNode annotated = claim.deepCopy();
        ObjectMeta.metadata(annotated).withObjectProperty("annotations").put(BETA_STORAGE_PROVISIONER, provisioner)
            .put(STORAGE_PROVISIONER, provisioner);
        registry.update(ResourceTypes.PERSISTENTVOLUMECLAIMS, ObjectMeta.namespace(claim), ObjectMeta.name(claim),
            annotated, null);
      }
      events.record(claim, "Normal", "ExternalProvisioning", "Waiting for a volume to be created either by the"
          + " external provisioner '" + provisioner + "' or manually by the system administrator. If volume creation"
          + " is delayed, please verify that the provisioner is running and correctly registered.");
    }
  }

  /** {@code assignDefaultStorageClass}: gives a claim without a class the default one, if there is one. */
  private boolean assignDefaultClass(ObjectNode claim) throws ApiException {
    if (StorageClasses.claimHasClass(claim)) {
      return false;
    }
    Optional<String> name = StorageClasses.defaultClass(classes.list());
    if (name.isEmpty()) {
      return false;
    }
    ObjectNode updated = claim.deepCopy();
    ((ObjectNode) updated.path("spec")).put("storageClassName", name.get());
    registry.update(ResourceTypes.PERSISTENTVOLUMECLAIMS, ObjectMeta.namespace(claim), ObjectMeta.name(claim),
        updated, null);
    return true;
  }

  /** Points the volume at the claim and the claim at the volume, then marks both Bound. */
  private void bind(ObjectNode volume, ObjectNode claim) throws ApiException {
    ObjectNode boundVolume = volume.deepCopy();
    if (!VolumeMatch.refersTo(volume.path("spec").path("claimRef"), claim)
        || volume.path("spec").path("claimRef").path("uid").asText("").isEmpty()) {
      ObjectNode ref = ((ObjectNode) boundVolume.path("spec")).putObject("claimRef");
      ref.put("kind", "PersistentVolumeClaim").put("namespace", ObjectMeta.namespace(claim))
          .put("name", ObjectMeta.name(claim)).put("uid", ObjectMeta.text(claim, "uid")).put("apiVersion", "v1")
          .put("resourceVersion", ObjectMeta.text(claim, "resourceVersion"));
      if (!volume.path("spec").path("claimRef").isObject()) {
        ObjectMeta.metadata(boundVolume).withObjectProperty("annotations").put(BOUND_BY_CONTROLLER, "yes");
      }
      boundVolume = registry.update(ResourceTypes.PERSISTENTVOLUMES, null, ObjectMeta.name(volume), boundVolume, null);
    }
    boundVolume = setPhase(ResourceTypes.PERSISTENTVOLUMES, boundVolume, "Bound");

    ObjectNode boundClaim = claim.deepCopy();
    ObjectNode annotations = ObjectMeta.metadata(boundClaim).withObjectProperty("annotations");
    if (!ObjectMeta.name(volume).equals(claim.path("spec").path("volumeName").asText(""))
        || !annotations.has(BIND_COMPLETED)) {
      boolean byController = claim.path("spec").path("volumeName").asText("").isEmpty();
      ((ObjectNode) boundClaim.path("spec")).put("volumeName", ObjectMeta.name(volume));
      annotations.put(BIND_COMPLETED, "yes");
      if (byController) {
        annotations.put(BOUND_BY_CONTROLLER, "yes");
      }
      boundClaim = registry.update(ResourceTypes.PERSISTENTVOLUMECLAIMS, ObjectMeta.namespace(claim),
          ObjectMeta.name(claim), boundClaim, null);
    }
    ObjectNode status = ((ObjectNode) boundClaim.path("status")).deepCopy();
    status.put("phase", "Bound");
    status.set("accessModes", boundVolume.path("spec").path("accessModes").deepCopy());
    status.set("capacity", boundVolume.path("spec").path("capacity").deepCopy());
    writeStatus(ResourceTypes.PERSISTENTVOLUMECLAIMS, boundClaim, status);
  }

  /** Sets the status phase (and when it changed, as upstream stamps lastPhaseTransitionTime on volumes). */
  private ObjectNode setPhase(ResourceType type, ObjectNode object, String phase) throws ApiException {
    if (phase.equals(object.path("status").path("phase").asText(""))) {
      return object;
    }
    ObjectNode status = object.path("status") instanceof ObjectNode s ? s.deepCopy() : object.objectNode();
    status.put("phase", phase);
    if (type == ResourceTypes.PERSISTENTVOLUMES) {
      status.put("lastPhaseTransitionTime", ObjectMeta.timestamp(registry.clock().instant()));
    }
    return writeStatus(type, object, status);
  }

  private ObjectNode writeStatus(ResourceType type, ObjectNode object, ObjectNode status) throws ApiException {
    if (SameContent.same(status, object.path("status"))) {
      return object;
    }
    ObjectNode updated = object.deepCopy();
    updated.set("status", status);
    return registry.update(type, type.namespaced() ? ObjectMeta.namespace(object) : null, ObjectMeta.name(object),
        updated, "status");
  }

  private static String key(ObjectNode claim) {
    return "claim:" + Informer.key(claim);
  }

  private static String claimKey(ObjectNode volume) {
    JsonNode ref = volume.path("spec").path("claimRef");
    return ref.isObject() ? "claim:" + Informer.key(ref.path("namespace").asText(""), ref.path("name").asText(""))
        : null;
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    }
    classes.close();
    claims.close();
    volumes.close();
  }
}
