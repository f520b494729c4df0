package io.gantry.control.server.controller.gc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes objects whose owners are gone and orphans the dependents of owners deleted with
 * {@code propagationPolicy: Orphan}, as kube-controller-manager's garbage collector does.
 *
 * <p>Background propagation: when an owner (identified by uid, so a re-created namesake does
 * not count) disappears, each dependent is re-checked with fresh reads; one whose owner
 * references all point to missing owners is deleted (with background propagation, so the
 * deletion cascades), one that still has a live owner only loses the dangling references.
 *
 * <p>Orphan propagation: {@link ObjectRegistry#delete} keeps an object deleted with
 * {@code Orphan} behind the {@value #ORPHAN_FINALIZER} finalizer (as kube-apiserver does); this
 * collector removes the owner's references from its dependents, then the finalizer, which lets
 * the registry remove the object. A crash between the steps is safe: the finalizer stays until
 * the dependents are orphaned.
 *
 * <p>Foreground propagation: an object deleted with {@code Foreground} waits behind the
 * {@value #FOREGROUND_FINALIZER} finalizer; this collector deletes its dependents (in the
 * foreground too, so the deletion cascades down the tree) and removes the finalizer once no
 * dependent with {@code blockOwnerDeletion: true} is left. Every removal of a dependent re-checks
 * its owners.
 *
 * <p>Only the types of the informers given are tracked (owners and dependents alike).
 *
 * <p>Concurrency: informer listeners only update the uid index and enqueue keys; the work runs
 * on the loop's workers.
 */
public final class GarbageCollector implements AutoCloseable {

  /** The finalizer that asks for orphaning, as upstream's {@code metav1.FinalizerOrphanDependents}. */
  public static final String ORPHAN_FINALIZER = DeleteOptions.ORPHAN_FINALIZER;

  /** The finalizer that asks for foreground deletion, as upstream's {@code metav1.FinalizerDeleteDependents}. */
  public static final String FOREGROUND_FINALIZER = DeleteOptions.FOREGROUND_FINALIZER;

  private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

  /** What to do with an object. */
  enum Work {
    /** check a dependent's owners */
    COLLECT,
    /** orphan an owner's dependents */
    ORPHAN,
    /** delete an owner's dependents before the owner */
    FOREGROUND
  }

  /** One unit of work on one object. */
  record Item(Work work, ResourceType type, String namespace, String name) {
    @Override
    public String toString() {
      return work.name().toLowerCase(java.util.Locale.ROOT) + " " + type.kind() + " " + namespace + "/" + name;
    }
  }

  /** Where an object lives, for the uid index. */
  private record Ref(ResourceType type, String namespace, String name) {}

  private final ObjectRegistry registry;
  private final List<Informer> informers;
  private final WorkQueue<Item> queue = new WorkQueue<>("gc");
  /** uid -> the object with that uid, for every tracked object. */
  private final Map<String, Ref> known = new ConcurrentHashMap<>();
  /** owner uid -> dependents that reference it. */
  private final Map<String, Set<Ref>> dependents = new ConcurrentHashMap<>();
  private ControllerLoop<Item> loop;

  /** Registers on the informers; start them afterwards (or before: {@link #start} rescans). */
  public GarbageCollector(ObjectRegistry registry, List<Informer> informers) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.informers = List.copyOf(informers);
    for (Informer informer : this.informers) {
      ResourceType type = informer.type();
      informer.listener((event, object, old) -> onEvent(type, event, object, old));
    }
  }

  public GarbageCollector start(int workers) {
    for (Informer informer : informers) {
      for (ObjectNode object : informer.list()) {
        onEvent(informer.type(), ObjectEvent.Type.ADDED, object, null);
      }
    }
    loop = ControllerLoop.start("garbage-collector", queue, this::process, workers);
    return this;
  }

  private void onEvent(ResourceType type, ObjectEvent.Type event, ObjectNode object, ObjectNode old) {
    String uid = ObjectMeta.text(object, "uid");
    Ref ref = new Ref(type, ObjectMeta.namespace(object), ObjectMeta.name(object));
    if (old != null) {
      for (ObjectNode owner : OwnerReferences.of(old)) {
        Set<Ref> set = dependents.get(owner.path("uid").asText());
        if (set != null) {
          set.remove(ref);
        }
      }
    }
    List<ObjectNode> owners = OwnerReferences.of(object);
    List<ObjectNode> previous = old == null ? owners : OwnerReferences.of(old);
    boolean deleted = event == ObjectEvent.Type.DELETED;
    if (deleted || !owners.equals(previous)) {
      // a dependent went (or let go of its owners): an owner deleted in the foreground may now go
      for (ObjectNode owner : deleted ? owners : previous) {
        Ref ownerRef = known.get(owner.path("uid").asText());
        if (ownerRef != null) {
          queue.add(new Item(Work.FOREGROUND, ownerRef.type(), ownerRef.namespace(), ownerRef.name()));
        }
      }
    }
    if (event == ObjectEvent.Type.DELETED) {
      known.remove(uid);
      Set<Ref> orphaned = dependents.remove(uid);
      if (orphaned != null) {
        orphaned.forEach(d -> queue.add(new Item(Work.COLLECT, d.type(), d.namespace(), d.name())));
      }
      return;
    }
    known.put(uid, ref);
    boolean dangling = false;
    for (ObjectNode owner : OwnerReferences.of(object)) {
      String ownerUid = owner.path("uid").asText();
      dependents.computeIfAbsent(ownerUid, k -> ConcurrentHashMap.newKeySet()).add(ref);
      Ref ownerRef = known.get(ownerUid);
      // a namespaced owner owns only dependents of its own namespace: another one's is no owner
      dangling |= ownerRef == null || ownerRef.type().namespaced() && !ownerRef.namespace().equals(ref.namespace());
    }
    if (dangling) {
      queue.add(new Item(Work.COLLECT, type, ref.namespace(), ref.name()));
    }
    if (ObjectMeta.isDeleting(object) && ObjectMeta.hasFinalizer(object, ORPHAN_FINALIZER)) {
      queue.add(new Item(Work.ORPHAN, type, ref.namespace(), ref.name()));
    }
    if (ObjectMeta.isDeleting(object) && ObjectMeta.hasFinalizer(object, FOREGROUND_FINALIZER)) {
      queue.add(new Item(Work.FOREGROUND, type, ref.namespace(), ref.name()));
    }
  }

  private void process(Item item) throws ApiException {
    switch (item.work()) {
      case ORPHAN -> orphanDependents(item);
      case FOREGROUND -> deleteDependentsFirst(item);
      case COLLECT -> collect(item);
    }
  }

  /**
   * Deletes the dependents of an owner deleted in the foreground and, once none that blocks its
   * deletion is left, removes its {@value #FOREGROUND_FINALIZER} finalizer (which lets it go).
   */
  private void deleteDependentsFirst(Item item) throws ApiException {
    Optional<ObjectNode> found = registry.find(item.type(), item.namespace(), item.name());
    if (found.isEmpty() || !ObjectMeta.isDeleting(found.get())
        || !ObjectMeta.hasFinalizer(found.get(), FOREGROUND_FINALIZER)) {
      return;
    }
    String uid = ObjectMeta.text(found.get(), "uid");
    boolean blocked = false;
    for (Ref ref : List.copyOf(dependents.getOrDefault(uid, Set.of()))) {
      Optional<ObjectNode> dependent = registry.find(ref.type(), ref.namespace(), ref.name());
      Optional<ObjectNode> owned = dependent.flatMap(d -> OwnerReferences.of(d).stream()
          .filter(o -> uid.equals(o.path("uid").asText())).findFirst());
      if (owned.isEmpty()) {
        continue;
      }
      if (hasSolidOwnerBesides(dependent.get(), uid, ref.namespace())) {
        // attemptToDeleteItem: a dependent another live owner holds stays; only this reference goes
        removeOwner(ref, uid);
        continue;
      }
      blocked |= owned.get().path("blockOwnerDeletion").asBoolean(false);
      if (!ObjectMeta.isDeleting(dependent.get())) {
        try {
          registry.delete(ref.type(), ref.namespace(), ref.name(),
              new DeleteOptions(null, ObjectMeta.text(dependent.get(), "uid"), null, "Foreground"));
        } catch (ApiException e) {
          if (e.code() != 404 && e.code() != 409) {
            throw e;
          }
        }
      }
    }
    if (blocked) {
      return;
    }
    ObjectNode owner = found.get().deepCopy();
    ObjectMeta.removeFinalizer(owner, FOREGROUND_FINALIZER);
    try {
      registry.update(item.type(), item.namespace(), item.name(), owner, null);
      log.info("deleted the dependents of {} {}/{} in the foreground", item.type().kind(), item.namespace(),
          item.name());
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }

  /** Deletes a dependent whose owners are all gone, or drops its dangling owner references. */
  private void collect(Item item) throws ApiException {
    Optional<ObjectNode> found = registry.find(item.type(), item.namespace(), item.name());
    if (found.isEmpty() || ObjectMeta.isDeleting(found.get())) {
      return;
    }
    ObjectNode object = found.get();
    List<String> dangling = new ArrayList<>();
    int refs = 0;
    for (ObjectNode ref : OwnerReferences.of(object)) {
      refs++;
      if (ownerMissing(ref, item.namespace())) {
        dangling.add(ref.path("uid").asText());
      }
    }
    if (dangling.isEmpty()) {
      return;
    }
    String uid = ObjectMeta.text(object, "uid");
    if (dangling.size() == refs) {
      try {
        registry.delete(item.type(), item.namespace(), item.name(),
            new DeleteOptions(null, uid, null, "Background"));
        log.info("garbage collected {} {}/{}: its owners are gone", item.type().kind(), item.namespace(), item.name());
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409) {
          throw e;
        }
      }
      return;
    }
    ObjectNode updated = object.deepCopy();
    dangling.forEach(owner -> OwnerReferences.remove(updated, owner));
    try {
      registry.update(item.type(), item.namespace(), item.name(), updated, null);
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }

  /**
   * Whether an owner other than {@code ownerUid} is solid, in the garbage collector's words: it
   * exists with the referenced uid and is not itself waiting for its dependents' deletion.
   */
  private boolean hasSolidOwnerBesides(ObjectNode dependent, String ownerUid, String namespace) {
    for (ObjectNode ref : OwnerReferences.of(dependent)) {
      if (ownerUid.equals(ref.path("uid").asText())) {
        continue;
      }
      Optional<ObjectNode> owner = referenced(ref, namespace).orElse(Optional.empty());
      if (owner.isPresent()
          && !(ObjectMeta.isDeleting(owner.get()) && ObjectMeta.hasFinalizer(owner.get(), FOREGROUND_FINALIZER))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the referenced owner is absent: no object of that name, or one with another uid. */
  private boolean ownerMissing(ObjectNode ref, String namespace) {
    return referenced(ref, namespace).map(Optional::isEmpty).orElse(false);
  }

  /**
   * The owner a reference names, if the object of that name has the referenced uid (in the
   * dependent's namespace, or cluster-wide for a cluster-scoped kind); the outer Optional is empty
   * for a kind this server does not serve, whose owners it cannot judge.
   */
  private Optional<Optional<ObjectNode>> referenced(ObjectNode ref, String namespace) {
    Optional<ResourceType> type = ResourceTypes.byKind(ref.path("apiVersion").asText(), ref.path("kind").asText());
    return type.map(t -> registry.find(t, t.namespaced() ? namespace : null, ref.path("name").asText())
        .filter(owner -> ref.path("uid").asText().equals(ObjectMeta.text(owner, "uid"))));
  }

  /** Strips the owner's references from its dependents, then its {@value #ORPHAN_FINALIZER} finalizer. */
  private void orphanDependents(Item item) throws ApiException {
    Optional<ObjectNode> found = registry.find(item.type(), item.namespace(), item.name());
    if (found.isEmpty() || !ObjectMeta.isDeleting(found.get())
        || !ObjectMeta.hasFinalizer(found.get(), ORPHAN_FINALIZER)) {
      return;
    }
    String uid = ObjectMeta.text(found.get(), "uid");
    Set<Ref> refs = dependents.getOrDefault(uid, Set.of());
    for (Ref dependent : List.copyOf(refs)) {
      removeOwner(dependent, uid);
    }
    ObjectNode owner = found.get().deepCopy();
    ObjectMeta.removeFinalizer(owner, ORPHAN_FINALIZER);
    registry.update(item.type(), item.namespace(), item.name(), owner, null);
    log.info("orphaned the dependents of {} {}/{}", item.type().kind(), item.namespace(), item.name());
  }

  /** Drops one owner reference from a dependent: a compare-and-swap on fresh reads, retried on conflict. */
  private void removeOwner(Ref dependent, String ownerUid) throws ApiException {
    for (int attempt = 1; ; attempt++) {
      Optional<ObjectNode> fresh = registry.find(dependent.type(), dependent.namespace(), dependent.name());
      if (fresh.isEmpty()) {
        return;
      }
      ObjectNode updated = fresh.get().deepCopy();
      if (!OwnerReferences.remove(updated, ownerUid)) {
        return;
      }
      try {
        registry.update(dependent.type(), dependent.namespace(), dependent.name(), updated, null);
        return;
      } catch (ApiException e) {
        if (e.code() == 404) {
          return;
        }
        if (e.code() != 409 || attempt >= 8) {
          throw e;
        }
      }
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
}
