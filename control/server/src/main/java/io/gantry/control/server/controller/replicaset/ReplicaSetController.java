package io.gantry.control.server.controller.replicaset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.gc.ControllerRefManager;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.controller.runtime.ConflictRequeue;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.LabelSelector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code spec.replicas} pods running for each ReplicaSet, as kube-controller-manager's
 * ReplicaSet controller: it claims pods by selector (adopting orphans, releasing pods whose labels
 * no longer match), creates missing pods from the template (named {@code <rs>-xxxxx}, controlled by
 * the ReplicaSet), deletes surplus ones in {@link PodDeletionOrder}, and publishes the status
 * through the {@code status} subresource. Terminating and finished pods do not count. One instance
 * serves one {@link ReplicaKind}: ReplicationControllers are kept by a second instance, as upstream's
 * ReplicationManager.
 *
 * <p>Concurrency: informer listeners only record expectations and enqueue ReplicaSet keys; one
 * worker at a time reconciles a key (the queue guarantees it). {@link Expectations} stop a
 * reconcile from acting on a cache that has not yet seen its previous creations and deletions,
 * and a reconcile waits (re-queued) until the ReplicaSet cache has seen its last status write.
 *
 * <p>Lifecycle: construct (registers the listeners), start the informers, {@link #start}, and
 * {@link #close} before the store closes.
 */
public final class ReplicaSetController implements AutoCloseable {

  /** The most pods one reconcile creates or deletes (upstream's {@code BurstReplicas}). */
  public static final int BURST_REPLICAS = 500;

  private static final Logger log = LoggerFactory.getLogger(ReplicaSetController.class);

  private final ObjectRegistry registry;
  private final ReplicaKind kind;
  private final EventRecorder events;
  private final Informer replicaSets;
  private final Informer pods;
  private final Expectations expectations = new Expectations();
  private final WorkQueue<String> queue;
  /** The revision of this controller's latest ReplicaSet status write. */
  private final AtomicLong statusWrites = new AtomicLong();
  private ControllerLoop<String> loop;

  /** {@code replicaSets} is the informer of {@code kind}'s type: the owners this instance keeps. */
  public ReplicaSetController(ObjectRegistry registry, ReplicaKind kind, Informer replicaSets, Informer pods) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.replicaSets = Objects.requireNonNull(replicaSets, "replicaSets");
    this.pods = Objects.requireNonNull(pods, "pods");
    if (replicaSets.type() != kind.type()) {
      throw new IllegalArgumentException("an informer of " + replicaSets.type().plural() + " for "
          + kind.type().plural());
    }
    this.queue = new WorkQueue<>(kind.type().plural());
    this.events = new EventRecorder(registry, registry.clock(), kind.component());
    replicaSets.listener(this::onReplicaSet);
    pods.listener(this::onPod);
  }

  public ReplicaSetController start(int workers) {
    loop = ControllerLoop.start(kind.component(), queue,
        ConflictRequeue.of(kind.type().kind(), queue, this::reconcile), workers);
    resyncAll();
    return this;
  }

  /** Queues every owner (a periodic resync, or after a test moves its clock). */
  public void resyncAll() {
    replicaSets.list().forEach(rs -> queue.add(Informer.key(rs)));
  }

  private void onReplicaSet(ObjectEvent.Type type, ObjectNode rs, ObjectNode old) {
    String key = Informer.key(rs);
    if (type == ObjectEvent.Type.DELETED) {
      expectations.forget(key);
    }
    queue.add(key);
  }

  private void onPod(ObjectEvent.Type type, ObjectNode pod, ObjectNode old) {
    if (expectations.routePodEvent(type, pod, old, this::controlling, queue)) {
      return;
    }
    if (type != ObjectEvent.Type.DELETED && !ObjectMeta.isDeleting(pod)) {
      // an orphan: the ReplicaSets that match it may adopt it
      for (ObjectNode rs : replicaSets.list(ObjectMeta.namespace(pod))) {
        if (kind.selector().apply(rs).map(s -> s.matches(pod.path("metadata").path("labels"))).orElse(false)) {
          queue.add(Informer.key(rs));
        }
      }
    }
  }

  void reconcile(String key) throws ApiException {
    if (replicaSets.revision() < statusWrites.get()) {
      // the cache has not seen our last status write yet: acting now would only conflict
      queue.addAfter(key, Duration.ofMillis(2));
      return;
    }
    Optional<ObjectNode> found = replicaSets.get(key);
    if (found.isEmpty()) {
      expectations.forget(key);
      return;
    }
    ObjectNode rs = found.get();
    Optional<LabelSelector> selector = kind.selector().apply(rs);
    if (selector.isEmpty() || selector.get().isEmpty()) {
      log.warn("{} {} has an invalid or empty selector; ignoring it", kind.type().kind(), key);
      return;
    }
    String namespace = ObjectMeta.namespace(rs);
    List<ObjectNode> active = new ArrayList<>();
    for (ObjectNode pod : pods.list(namespace)) {
      if (Pods.isActive(pod)) {
        active.add(pod);
      }
    }
    List<ObjectNode> claimed = new ControllerRefManager(registry, kind.type(), rs, selector.get(),
        ResourceTypes.PODS).claim(active);
    ApiException manageError = null;
    if (expectations.satisfied(key) && !ObjectMeta.isDeleting(rs)) {
      try {
        manageReplicas(key, rs, claimed);
      } catch (ApiException e) {
        manageError = e;
      }
    }
    Instant now = registry.clock().instant();
    ObjectNode status = ReplicaSetStatus.calculate(rs, claimed, manageError, now);
    if (!status.equals(rs.get("status"))) {
      ObjectNode body = rs.deepCopy();
      body.set("status", status);
      try {
        ObjectNode written = registry.update(kind.type(), namespace, ObjectMeta.name(rs), body, "status");
        statusWrites.accumulateAndGet(Long.parseLong(ObjectMeta.text(written, "resourceVersion")), Math::max);
      } catch (ApiException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
    if (manageError != null) {
      throw manageError;
    }
    requeueForAvailability(key, rs, claimed, now);
  }

  /** Creates or deletes pods to close the gap between the claimed pods and {@code spec.replicas}. */
  private void manageReplicas(String key, ObjectNode rs, List<ObjectNode> claimed) throws ApiException {
    int desired = rs.path("spec").path("replicas").asInt(1);
    int diff = claimed.size() - desired;
    String namespace = ObjectMeta.namespace(rs);
    if (diff < 0) {
      int count = Math.min(-diff, BURST_REPLICAS);
      expectations.expectCreations(key, count);
      for (int i = 0; i < count; i++) {
        try {
          ObjectNode pod = registry.create(ResourceTypes.PODS, namespace, podFromTemplate(kind, rs));
          events.record(rs, "Normal", "SuccessfulCreate", "Created pod: " + ObjectMeta.name(pod));
        } catch (ApiException e) {
          // the failed creation and the ones skipped after it will never be observed
          for (int skipped = i; skipped < count; skipped++) {
            expectations.creationObserved(key);
          }
          if (e.hasCause("NamespaceTerminating")) {
            return; // as upstream: every create would fail, and the namespace's deletion takes the ReplicaSet
          }
          events.record(rs, "Warning", "FailedCreate", "Error creating: " + e.getMessage());
          throw e;
        }
      }
    } else if (diff > 0) {
      List<ObjectNode> victims = PodDeletionOrder.pick(claimed, claimed, Math.min(diff, BURST_REPLICAS));
      expectations.expectDeletions(key, victims.stream().map(Informer::key).toList());
      ApiException first = null;
      for (ObjectNode pod : victims) {
        try {
          registry.delete(ResourceTypes.PODS, namespace, ObjectMeta.name(pod),
              new DeleteOptions(null, ObjectMeta.text(pod, "uid"), null, null));
          events.record(rs, "Normal", "SuccessfulDelete", "Deleted pod: " + ObjectMeta.name(pod));
        } catch (ApiException e) {
          expectations.deletionObserved(key, Informer.key(pod));
          if (e.code() != 404 && first == null) {
            first = e;
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }

  /** A pod for the owner: upstream's {@code GetPodFromTemplate} with a controller reference. */
  static ObjectNode podFromTemplate(ReplicaKind kind, ObjectNode rs) {
    return Pods.fromTemplate(kind.type(), rs, rs.path("spec").path("template"), ObjectMeta.name(rs) + "-");
  }

  /**
   * With {@code minReadySeconds}, ready pods become available later without any event: look again
   * when the first of them will have been ready long enough.
   */
  private void requeueForAvailability(String key, ObjectNode rs, List<ObjectNode> claimed, Instant now) {
    long minReady = rs.path("spec").path("minReadySeconds").asLong(0);
    if (minReady <= 0) {
      return;
    }
    Instant next = null;
    for (ObjectNode pod : claimed) {
      Optional<Instant> since = Pods.readySince(pod);
      if (since.isPresent() && !Pods.isAvailable(pod, minReady, now)) {
        Instant at = since.get().plusSeconds(minReady).plusMillis(1);
        next = next == null || at.isBefore(next) ? at : next;
      }
    }
    if (next != null) {
      Duration delay = Duration.between(now, next);
      queue.addAfter(key, delay.isNegative() ? Duration.ofMillis(1) : delay);
    }
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
    return OwnerReferences.controllingKey(dependent, kind.type().kind(), replicaSets);
  }
}
