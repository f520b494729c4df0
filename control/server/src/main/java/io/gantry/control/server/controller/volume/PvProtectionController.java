package io.gantry.control.server.controller.volume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
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
 * kube-controller-manager's pv-protection controller: a PersistentVolume being deleted keeps the
 * {@code kubernetes.io/pv-protection} finalizer while its phase is Bound (as the binder writes it), and
 * loses it once the volume is anything else (Available, Released, Pending, Failed), so that it goes. A
 * volume not being deleted that lacks the finalizer gets it, as upstream adds it to volumes made before
 * the admission plugin. Like upstream, it records no events.
 *
 * <p>Keys are volume names; a write that loses a race (409) throws and is retried from the informer's
 * newer state.
 */
public final class PvProtectionController implements AutoCloseable {
  private static final String FINALIZER = StorageObjectInUseProtectionAdmission.PV_FINALIZER;

  private final ObjectRegistry registry;
  private final Informer volumes = Informer.of(ResourceTypes.PERSISTENTVOLUMES);
  private final WorkQueue<String> queue = new WorkQueue<>("pvprotection");
  private volatile ControllerLoop<String> loop;

  private PvProtectionController(ObjectRegistry registry) {
    this.registry = registry;
  }

  public static PvProtectionController start(ObjectRegistry registry, ObjectWatcher watcher) {
    PvProtectionController controller = new PvProtectionController(Objects.requireNonNull(registry, "registry"));
    controller.volumes.listener((type, volume, old) -> {
      if (type != ObjectEvent.Type.DELETED && (ProtectionFinalizers.needToAdd(volume, FINALIZER)
          || ProtectionFinalizers.deletionCandidate(volume, FINALIZER))) {
        controller.queue.add(ObjectMeta.name(volume));
      }
    });
    controller.volumes.start(Objects.requireNonNull(watcher, "watcher"));
    controller.loop = ControllerLoop.start("pvprotection", controller.queue, controller::reconcile, 1);
    return controller;
  }

  void reconcile(String name) throws ApiException {
    Optional<ObjectNode> found = volumes.get(null, name);
    if (found.isEmpty()) {
      return;
    }
    ProtectionFinalizers.sync(registry, ResourceTypes.PERSISTENTVOLUMES, found.get(), FINALIZER,
        PvProtectionController::inUse);
  }

  /** isBeingUsed: only the phase counts; the binder moves a volume whose claim is gone to Released. */
  static boolean inUse(ObjectNode volume) {
    return "Bound".equals(volume.path("status").path("phase").asText(""));
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    }
    volumes.close();
  }
}
