package io.gantry.control.server.controller.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.gc.ControllerRefManager;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.LabelSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls Deployments out through ReplicaSets, as kube-controller-manager's Deployment controller:
 * one ReplicaSet per pod template ({@code <name>-<pod-template-hash>}), rolling updates within
 * {@code maxSurge}/{@code maxUnavailable}, Recreate, pausing, proportional scaling, revision
 * annotations, history cleanup and the status that {@code kubectl rollout status} reads. See
 * {@link DeploymentSync} for one reconcile.
 *
 * <p>Concurrency: listeners only enqueue Deployment keys. Each reconcile first waits (by
 * re-queueing) until the ReplicaSet and Deployment caches have seen every write this controller
 * made, so decisions never rest on a cache older than its own last action. ReplicaSet statuses
 * are the ReplicaSet controller's and may still count pods of a size changed since; see
 * {@code DeploymentSync.cleanupUnhealthyReplicas}.
 *
 * <p>Lifecycle: construct (registers the listeners), start the informers, {@link #start}, and
 * {@link #close} before the store closes.
 */
public final class DeploymentController implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DeploymentController.class);
  private static final Duration CATCH_UP = Duration.ofMillis(2);
  private static final Duration CONFLICT_DELAY = Duration.ofMillis(20);

  private final ObjectRegistry registry;
  private final Informer deployments;
  private final Informer replicaSets;
  private final Informer pods;
  private final WorkQueue<String> queue = new WorkQueue<>("deployment");
  private final EventRecorder events;
  private final AtomicLong replicaSetWrites = new AtomicLong();
  private final AtomicLong deploymentWrites = new AtomicLong();
  private ControllerLoop<String> loop;

  public DeploymentController(ObjectRegistry registry, Informer deployments, Informer replicaSets, Informer pods) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.deployments = Objects.requireNonNull(deployments, "deployments");
    this.replicaSets = Objects.requireNonNull(replicaSets, "replicaSets");
    this.pods = Objects.requireNonNull(pods, "pods");
    this.events = new EventRecorder(registry, registry.clock(), "deployment-controller");
    deployments.listener((type, d, old) -> queue.add(Informer.key(d)));
    replicaSets.listener(this::onReplicaSet);
    pods.listener(this::onPod);
  }

  public DeploymentController start(int workers) {
    loop = ControllerLoop.start("deployment-controller", queue, this::reconcileOrRequeue, workers);
    resyncAll();
    return this;
  }

  /** Queues every Deployment (a periodic resync, or after a test moves its clock). */
  public void resyncAll() {
    deployments.list().forEach(d -> queue.add(Informer.key(d)));
  }

  private void onReplicaSet(ObjectEvent.Type type, ObjectNode rs, ObjectNode old) {
    Optional<String> owner = controlling(rs);
    if (old != null) {
      Optional<String> oldOwner = controlling(old);
      if (oldOwner.isPresent() && !oldOwner.equals(owner)) {
        queue.add(oldOwner.get());
      }
    }
    if (owner.isPresent()) {
      queue.add(owner.get());
      return;
    }
    if (type != ObjectEvent.Type.DELETED && OwnerReferences.controllerOf(rs).isEmpty()) {
      for (ObjectNode d : deployments.list(ObjectMeta.namespace(rs))) {
        if (LabelSelector.ofSpec(d).map(s -> s.matches(rs.path("metadata").path("labels"))).orElse(false)) {
          queue.add(Informer.key(d));
        }
      }
    }
  }

  /** A Recreate rollout waits for the old pods to be gone: their deletion may let it continue. */
  private void onPod(ObjectEvent.Type type, ObjectNode pod, ObjectNode old) {
    if (type != ObjectEvent.Type.DELETED) {
      return;
    }
    Optional<ObjectNode> ref = OwnerReferences.controllerOf(pod);
    if (ref.isEmpty() || !"ReplicaSet".equals(ref.get().path("kind").asText())) {
      return;
    }
    replicaSets.get(ObjectMeta.namespace(pod), ref.get().path("name").asText())
        .flatMap(this::controlling)
        .ifPresent(key -> {
          ObjectNode d = deployments.get(key).orElse(null);
          if (d != null && !Fenceposts.isRollingUpdate(d)) {
            queue.add(key);
          }
        });
  }



  /**
   * A 409 means another writer (usually the ReplicaSet controller's status) got there first, a
   * 404 that something was deleted meanwhile; their events re-queue the key anyway, so neither is
   * an error worth a warning. Look again shortly.
   */
  private void reconcileOrRequeue(String key) throws ApiException {
    try {
      reconcile(key);
    } catch (ApiException e) {
      if (e.code() == 404 && deployments.get(key).isEmpty()) {
        return; // deleted meanwhile
      }
      if (e.code() != 409 && e.code() != 404) {
        throw e;
      }
      log.debug("deployment {}: {}; trying again", key, e.getMessage());
      queue.addAfter(key, CONFLICT_DELAY);
    }
  }

  void reconcile(String key) throws ApiException {
    if (replicaSets.revision() < replicaSetWrites.get() || deployments.revision() < deploymentWrites.get()) {
      queue.addAfter(key, CATCH_UP);
      return;
    }
    Optional<ObjectNode> found = deployments.get(key);
    if (found.isEmpty()) {
      return;
    }
    ObjectNode d = found.get();
    Optional<LabelSelector> selector = LabelSelector.ofSpec(d);
    if (selector.isEmpty() || selector.get().isEmpty()) {
      log.warn("deployment {} has an invalid or empty selector; ignoring it", key);
      return;
    }
    String namespace = ObjectMeta.namespace(d);
    List<ObjectNode> owned = new ControllerRefManager(registry, ResourceTypes.DEPLOYMENTS, d, selector.get(),
        ResourceTypes.REPLICASETS).claim(replicaSets.list(namespace));
    Set<String> ownedUids = new HashSet<>();
    owned.forEach(rs -> ownedUids.add(ObjectMeta.text(rs, "uid")));
    Map<String, List<ObjectNode>> podsByOwner = new HashMap<>();
    for (ObjectNode pod : pods.list(namespace)) {
      if (!selector.get().matches(pod.path("metadata").path("labels"))) {
        continue;
      }
      OwnerReferences.controllerOf(pod).map(ref -> ref.path("uid").asText()).filter(ownedUids::contains)
          .ifPresent(uid -> podsByOwner.computeIfAbsent(uid, k -> new ArrayList<>()).add(pod));
    }
    DeploymentSync sync = new DeploymentSync(registry, d, owned, podsByOwner, this::recordWrite, events);
    sync.run();
    if (sync.requeueAfter() != null) {
      queue.addAfter(key, sync.requeueAfter());
    }
  }

  private void recordWrite(ObjectNode object) {
    long revision = Long.parseLong(ObjectMeta.text(object, "resourceVersion"));
    AtomicLong mark = "ReplicaSet".equals(object.path("kind").asText()) ? replicaSetWrites : deploymentWrites;
    mark.accumulateAndGet(revision, Math::max);
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    } else {
      queue.close();
    }
  }

  private Optional<String> controlling(ObjectNode dependent) {
    return OwnerReferences.controllingKey(dependent, "Deployment", deployments);
  }
}
