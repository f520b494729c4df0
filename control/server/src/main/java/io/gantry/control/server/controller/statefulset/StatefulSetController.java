package io.gantry.control.server.controller.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.gc.ControllerRefManager;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.controller.history.ControllerHistory;
import io.gantry.control.server.controller.runtime.ConflictRequeue;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.LabelSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each StatefulSet's pods, as kube-controller-manager's StatefulSet controller: it claims the
 * pods named {@code <set>-<ordinal>} that its selector matches, finds or creates the ControllerRevision
 * of the current template (the update revision; a rollback renumbers the equal old one), lets
 * {@link StatefulSetSync} create, delete and replace pods (and create and own their claims, through
 * {@link StatefulClaimControl}), writes the status through {@code /status} and deletes revisions beyond
 * {@code revisionHistoryLimit} that no pod uses.
 *
 * <p>Concurrency: informer listeners only enqueue StatefulSet keys; one worker at a time reconciles a
 * key. A reconcile waits (re-queued) until the informers have seen this controller's last writes, so
 * it never acts twice on a stale cache; a pod created meanwhile by another worker's view is a 409,
 * which re-queues the key.
 *
 * <p>Lifecycle: construct (registers the listeners), start the informers, {@link #start}, and
 * {@link #close} before the store closes.
 */
public final class StatefulSetController implements AutoCloseable {

  /** The component and field manager upstream's controller writes as. */
  public static final String MANAGER = "statefulset-controller";
  private static final String COMPONENT = MANAGER;
  private static final Logger log = LoggerFactory.getLogger(StatefulSetController.class);

  private final ObjectRegistry registry;
  private final Informer statefulSets;
  private final Informer pods;
  private final Informer revisions;
  private final Informer claims;
  private final EventRecorder events;
  private final WorkQueue<String> queue = new WorkQueue<>("statefulsets");
  /** The store revisions of this controller's latest writes, by the informer that will see them. */
  private final AtomicLong setWrites = new AtomicLong();
  private final AtomicLong podWrites = new AtomicLong();
  private final AtomicLong revisionWrites = new AtomicLong();
  private final AtomicLong claimWrites = new AtomicLong();
  private ControllerLoop<String> loop;

  public StatefulSetController(ObjectRegistry registry, Informer statefulSets, Informer pods, Informer revisions,
      Informer claims) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.statefulSets = Objects.requireNonNull(statefulSets, "statefulSets");
    this.pods = Objects.requireNonNull(pods, "pods");
    this.revisions = Objects.requireNonNull(revisions, "revisions");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.events = new EventRecorder(registry, registry.clock(), COMPONENT);
    statefulSets.listener((type, set, old) -> queue.add(Informer.key(set)));
    pods.listener(this::onPod);
    revisions.listener((type, cr, old) -> controlling(cr).ifPresent(queue::add));
    claims.listener((type, claim, old) -> onClaim(claim));
  }

  public StatefulSetController start(int workers) {
    loop = ControllerLoop.start(COMPONENT, queue, ConflictRequeue.of("StatefulSet", queue, this::reconcile), workers);
    resyncAll();
    return this;
  }

  /** Queues every StatefulSet (a periodic resync, or after a test moves its clock). */
  public void resyncAll() {
    statefulSets.list().forEach(set -> queue.add(Informer.key(set)));
  }

  private void onPod(ObjectEvent.Type type, ObjectNode pod, ObjectNode old) {
    Optional<String> owner = controlling(pod);
    if (old != null) {
      controlling(old).filter(o -> !o.equals(owner.orElse(null))).ifPresent(queue::add);
    }
    if (owner.isPresent()) {
      queue.add(owner.get());
    } else if (type != ObjectEvent.Type.DELETED && OwnerReferences.controllerOf(pod).isEmpty()) {
      // an orphan named as a set's pod may be adopted by it
      for (ObjectNode set : statefulSets.list(ObjectMeta.namespace(pod))) {
        if (StatefulPods.isMemberOf(set, pod)) {
          queue.add(Informer.key(set));
        }
      }
    }
  }

  /** A claim that changes or goes may be one a set's pod waits for (being deleted, or stale). */
  private void onClaim(ObjectNode claim) {
    String name = ObjectMeta.name(claim);
    for (ObjectNode set : statefulSets.list(ObjectMeta.namespace(claim))) {
      for (JsonNode template : set.path("spec").path("volumeClaimTemplates")) {
        String prefix = template.path("metadata").path("name").asText("") + "-";
        if (name.startsWith(prefix) && StatefulPods.isMemberName(ObjectMeta.name(set), name.substring(prefix.length()))) {
          queue.add(Informer.key(set));
          break;
        }
      }
    }
  }

  private Optional<String> controlling(ObjectNode dependent) {
    return OwnerReferences.controllingKey(dependent, "StatefulSet", statefulSets);
  }

  void reconcile(String key) throws ApiException {
    if (statefulSets.revision() < setWrites.get() || pods.revision() < podWrites.get()
        || revisions.revision() < revisionWrites.get() || claims.revision() < claimWrites.get()) {
      queue.addAfter(key, Duration.ofMillis(2)); // the caches have not seen our last writes yet
      return;
    }
    Optional<ObjectNode> found = statefulSets.get(key);
    if (found.isEmpty()) {
      return;
    }
    ObjectNode set = found.get();
    LabelSelector selector;
    try {
      selector = LabelSelector.fromJson(set.path("spec").path("selector"));
    } catch (IllegalArgumentException e) {
      log.warn("StatefulSet {} has an invalid selector; ignoring it", key);
      return;
    }
    if (selector.isEmpty()) {
      log.warn("StatefulSet {} has an empty selector; ignoring it", key);
      return;
    }
    String namespace = ObjectMeta.namespace(set);
    List<ObjectNode> members = new ArrayList<>();
    for (ObjectNode pod : pods.list(namespace)) {
      if (StatefulPods.isMemberOf(set, pod)) {
        members.add(pod);
      }
    }
    List<ObjectNode> claimed = new ControllerRefManager(registry, ResourceTypes.STATEFULSETS, set, selector,
        ResourceTypes.PODS).claim(members);

    List<ObjectNode> history = new ArrayList<>(ControllerHistory.claim(registry, ResourceTypes.STATEFULSETS, set,
        selector, revisions.list(namespace)));
    history.forEach(cr -> noteWrite(revisionWrites, cr));
    int[] collisionCount = {set.path("status").path("collisionCount").asInt(0)};
    ObjectNode update = updateRevision(set, history, collisionCount);
    String currentName = set.path("status").path("currentRevision").asText("");
    ObjectNode current = history.stream().filter(cr -> ObjectMeta.name(cr).equals(currentName)).findFirst()
        .orElse(update);

    StatefulClaimControl claimControl = new StatefulClaimControl(registry, events, claims, set,
        claim -> noteWrite(claimWrites, claim));
    StatefulSetSync sync = new StatefulSetSync(registry, events, claimControl, set, current, update,
        registry.clock().instant(), pod -> noteWrite(podWrites, pod));
    ApiException syncError = null;
    if (!ObjectMeta.isDeleting(set)) {
      try {
        sync.run(claimed);
      } catch (ApiException e) {
        syncError = e;
      }
    }
    writeStatus(set, sync.status(claimed, collisionCount[0]));
    Set<String> live = new HashSet<>(List.of(ObjectMeta.name(current), ObjectMeta.name(update)));
    claimed.forEach(pod -> live.add(StatefulPods.revision(pod)));
    ControllerHistory.truncate(registry, history, live, set.path("spec").path("revisionHistoryLimit").asInt(10));
    if (syncError != null) {
      throw syncError;
    }
    sync.nextAvailability(claimed).ifPresent(delay -> queue.addAfter(key, delay));
  }

  /**
   * getStatefulSetRevisions: the revision of the set's template, an existing equal one (renumbered
   * to be the newest unless it already is) or a new one; added to {@code history} when new.
   */
  private ObjectNode updateRevision(ObjectNode set, List<ObjectNode> history, int[] collisionCount)
      throws ApiException {
    JsonNode data = templatePatch(set);
    JsonNode labels = set.path("spec").path("template").path("metadata").path("labels");
    long next = ControllerHistory.nextRevision(history);
    ObjectNode candidate = ControllerHistory.newRevision(ResourceTypes.STATEFULSETS, set, labels, data, next,
        collisionCount[0]);
    List<ObjectNode> equal = ControllerHistory.equal(history, candidate);
    if (!equal.isEmpty()) {
      ObjectNode newest = equal.getLast();
      if (newest == history.getLast()) {
        return newest;
      }
      ObjectNode renumbered = ControllerHistory.renumber(registry, newest, next);
      noteWrite(revisionWrites, renumbered);
      history.replaceAll(cr -> cr == newest ? renumbered : cr);
      return renumbered;
    }
    ObjectNode created = ControllerHistory.create(registry, ResourceTypes.STATEFULSETS, set, labels, data, next,
        collisionCount);
    noteWrite(revisionWrites, created);
    history.add(created);
    return created;
  }

  /** getPatch: the revision's data, a strategic merge patch that replaces {@code spec.template}. */
  static JsonNode templatePatch(ObjectNode set) {
    ObjectNode patch = Json.object();
    ObjectNode template = set.path("spec").path("template") instanceof ObjectNode t ? t.deepCopy() : Json.object();
    template.put("$patch", "replace");
    patch.putObject("spec").set("template", template);
    return ControllerHistory.canonical(patch);
  }

  /**
   * updateStatefulSetStatus: writes only what this controller computes, and only when it changed
   * ({@code inconsistentStatus}); conditions other clients wrote through {@code /status} stay.
   */
  private void writeStatus(ObjectNode set, ObjectNode status) throws ApiException {
    if (set.path("status").get("conditions") != null) {
      status.set("conditions", set.path("status").get("conditions").deepCopy());
    }
    if (status.equals(set.get("status"))) {
      return;
    }
    ObjectNode body = set.deepCopy();
    body.set("status", status);
    try {
      noteWrite(setWrites, registry.update(ResourceTypes.STATEFULSETS, ObjectMeta.namespace(set), ObjectMeta.name(set), body,
          "status"));
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }

  /** Remembers the store revision of a write so the next reconcile waits for its informer to see it. */
  private static void noteWrite(AtomicLong writes, ObjectNode written) {
    String version = written.path("metadata").path("resourceVersion").asText("");
    if (!version.isEmpty()) {
      writes.accumulateAndGet(Long.parseLong(version), Math::max);
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
