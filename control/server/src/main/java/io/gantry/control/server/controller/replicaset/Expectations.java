package io.gantry.control.server.controller.replicaset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Creations and deletions a controller has asked for but not yet seen in its informer, per owner
 * key: upstream's {@code UIDTrackingControllerExpectations}. While an owner has some outstanding,
 * its reconcile must not create or delete pods again (its cache would count them wrong). Deletions
 * are tracked by pod key, so a pod that starts terminating counts as observed once.
 * Expectations older than five minutes are considered satisfied, in case an event was lost.
 *
 * <p>Concurrency: thread-safe; each owner's record is replaced atomically.
 */
public final class Expectations {

  private static final long TTL_NANOS = TimeUnit.MINUTES.toNanos(5);

  private record Pending(int adds, Set<String> deletes, long since) {}

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  /** Whether the owner may act on its cache again. */
  public boolean satisfied(String owner) {
    Pending p = pending.get(owner);
    return p == null || (p.adds() <= 0 && p.deletes().isEmpty()) || System.nanoTime() - p.since() > TTL_NANOS;
  }

  public void expectCreations(String owner, int count) {
    pending.put(owner, new Pending(count, Set.of(), System.nanoTime()));
  }

  public void expectDeletions(String owner, Collection<String> podKeys) {
    pending.put(owner, new Pending(0, Set.copyOf(podKeys), System.nanoTime()));
  }

  /** Creations and deletions at once (upstream's {@code SetExpectations}), as a DaemonSet sync asks for both. */
  public void expect(String owner, int creations, Collection<String> podKeys) {
    pending.put(owner, new Pending(creations, Set.copyOf(podKeys), System.nanoTime()));
  }

  /** A pod of the owner appeared, or a creation failed and will never appear. */
  public void creationObserved(String owner) {
    pending.computeIfPresent(owner, (k, p) -> new Pending(p.adds() - 1, p.deletes(), p.since()));
  }

  /** A pod of the owner was deleted or started terminating, or its deletion failed. */
  public void deletionObserved(String owner, String podKey) {
    pending.computeIfPresent(owner, (k, p) -> {
      if (!p.deletes().contains(podKey)) {
        return p;
      }
      Set<String> rest = new HashSet<>(p.deletes());
      rest.remove(podKey);
      return new Pending(p.adds(), Set.copyOf(rest), p.since());
    });
  }

  public void forget(String owner) {
    pending.remove(owner);
  }

  /**
   * Routes a pod event to the controller that owns the pod: queues its owner (and a previous owner the
   * pod left), recording the creation or deletion the owner waits for. False when no owner of this
   * kind controls the pod, which is then an orphan the caller may offer for adoption.
   */
  public boolean routePodEvent(ObjectEvent.Type type, ObjectNode pod, ObjectNode old,
      Function<ObjectNode, Optional<String>> controlling, WorkQueue<String> queue) {
    Optional<String> owner = controlling.apply(pod);
    if (old != null) {
      Optional<String> oldOwner = controlling.apply(old);
      if (oldOwner.isPresent() && !oldOwner.equals(owner)) {
        queue.add(oldOwner.get());
      }
    }
    if (owner.isEmpty()) {
      return false;
    }
    boolean gone = type == ObjectEvent.Type.DELETED
        || (ObjectMeta.isDeleting(pod) && (old == null || !ObjectMeta.isDeleting(old)));
    if (gone) {
      deletionObserved(owner.get(), Informer.key(pod));
    } else if (type == ObjectEvent.Type.ADDED) {
      creationObserved(owner.get());
    }
    queue.add(owner.get());
    return true;
  }
}
