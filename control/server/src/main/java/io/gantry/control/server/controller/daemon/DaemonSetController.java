package io.gantry.control.server.controller.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.deployment.PodTemplates;
import io.gantry.control.server.controller.gc.ControllerRefManager;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.controller.history.ControllerHistory;
import io.gantry.control.server.controller.replicaset.Expectations;
import io.gantry.control.server.controller.replicaset.Pods;
import io.gantry.control.server.controller.runtime.ConflictRequeue;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.json.SameContent;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.LabelSelector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * Runs one pod of each DaemonSet on every node that should run it, as kube-controller-manager's
 * daemon controller ({@code pkg/controller/daemon}): it claims pods by selector, keeps its template's
 * revisions as ControllerRevisions ({@link ControllerHistory}), creates a pod for each node that lacks
 * one (pinned there by node affinity, for the scheduler to bind), deletes pods on nodes that should
 * not run them, failed pods and extra pods, rolls the template out under RollingUpdate (OnDelete
 * waits for the user to delete pods) and publishes the status through {@code /status}.
 *
 * <p>Concurrency: informer listeners only record expectations and enqueue DaemonSet keys; one worker
 * at a time syncs a key. {@link Expectations} keep a sync from acting on a pod cache that has not seen
 * its previous creations and deletions (it then only refreshes the status), and a sync waits until the
 * DaemonSet cache has seen its last status write.
 *
 * <p>Lifecycle: construct (registers the listeners), start the informers, {@link #start}, and
 * {@link #close} before the store closes.
 */
public final class DaemonSetController implements AutoCloseable {

  /** The most pods one sync creates or deletes (upstream's {@code BurstReplicas}). */
  static final int BURST_REPLICAS = 250;

  private static final Logger log = LoggerFactory.getLogger(DaemonSetController.class);

  private final ObjectRegistry registry;
  private final EventRecorder events;
  private final Informer daemonSets;
  private final Informer pods;
  private final Informer nodes;
  private final Informer revisions;
  private final Expectations expectations = new Expectations();
  private final FailedPodBackoff backoff = new FailedPodBackoff();
  private final WorkQueue<String> queue = new WorkQueue<>("daemonsets");
  private final AtomicLong statusWrites = new AtomicLong();
  private ControllerLoop<String> loop;

  public DaemonSetController(ObjectRegistry registry, Informer daemonSets, Informer pods, Informer nodes,
      Informer revisions) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.daemonSets = Objects.requireNonNull(daemonSets, "daemonSets");
    this.pods = Objects.requireNonNull(pods, "pods");
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.revisions = Objects.requireNonNull(revisions, "revisions");
    this.events = new EventRecorder(registry, registry.clock(), "daemonset-controller");
    daemonSets.listener(this::onDaemonSet);
    pods.listener(this::onPod);
    nodes.listener(this::onNode);
    revisions.listener(this::onRevision);
  }

  public DaemonSetController start(int workers) {
    loop = ControllerLoop.start("daemonset-controller", queue, ConflictRequeue.of("DaemonSet", queue, this::sync),
        workers);
    resyncAll();
    return this;
  }

  /** Queues every DaemonSet (a periodic resync, or after a test moves its clock). */
  public void resyncAll() {
    daemonSets.list().forEach(ds -> queue.add(Informer.key(ds)));
  }

  private void onDaemonSet(ObjectEvent.Type type, ObjectNode ds, ObjectNode old) {
    String key = Informer.key(ds);
    if (type == ObjectEvent.Type.DELETED) {
      expectations.forget(key);
      backoff.forget(key);
    }
    queue.add(key);
  }

  private void onPod(ObjectEvent.Type type, ObjectNode pod, ObjectNode old) {
    if (type == ObjectEvent.Type.MODIFIED && old != null && !Pods.isReady(old) && Pods.isReady(pod)) {
      // updatePod: a pod that just turned ready turns available minReadySeconds later without an event of
      // its own; a second more against clock skew, as upstream
      controlling(pod).flatMap(daemonSets::get).ifPresent(ds -> {
        long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
        if (minReady > 0) {
          queue.addAfter(Informer.key(ds), Duration.ofSeconds(minReady + 1));
        }
      });
    }
    if (expectations.routePodEvent(type, pod, old, this::controlling, queue)) {
      return;
    }
    if (type != ObjectEvent.Type.DELETED && !ObjectMeta.isDeleting(pod)) {
      // an orphan: the DaemonSets that select it may adopt it
      for (ObjectNode ds : daemonSets.list(ObjectMeta.namespace(pod))) {
        if (selector(ds).map(s -> s.matches(pod.path("metadata").path("labels"))).orElse(false)) {
          queue.add(Informer.key(ds));
        }
      }
    }
  }

  /** A node came, went or changed what decides placement: labels, taints, readiness. */
  private void onNode(ObjectEvent.Type type, ObjectNode node, ObjectNode old) {
    if (type == ObjectEvent.Type.MODIFIED && old != null
        && SameContent.same(node.path("metadata").path("labels"), old.path("metadata").path("labels"))
        && SameContent.same(node.path("spec"), old.path("spec"))
        && ready(node).equals(ready(old))) {
      return;
    }
    resyncAll();
  }

  private static String ready(ObjectNode node) {
    for (JsonNode condition : node.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return condition.path("status").asText("");
      }
    }
    return "";
  }

  /**
   * As upstream's add/update/deleteHistory: a new revision wakes its DaemonSet only when it is an
   * orphan the set may adopt, so one created beside the controller's (as the ControllerRevision
   * conformance test does) stays until the set syncs for another reason; changes and deletions
   * wake the controller, and the former one when the controller reference moved.
   */
  private void onRevision(ObjectEvent.Type type, ObjectNode revision, ObjectNode old) {
    Optional<String> owner = OwnerReferences.controllingKey(revision, "DaemonSet", daemonSets);
    boolean orphan = OwnerReferences.controllerOf(revision).isEmpty();
    switch (type) {
      case ADDED -> {
        if (ObjectMeta.isDeleting(revision)) {
          owner.ifPresent(queue::add);
        } else if (orphan) {
          selecting(revision).forEach(queue::add);
        }
      }
      case MODIFIED -> {
        boolean controllerMoved = old == null || !controllerUid(old).equals(controllerUid(revision));
        if (controllerMoved && old != null) {
          OwnerReferences.controllingKey(old, "DaemonSet", daemonSets).ifPresent(queue::add);
        }
        owner.ifPresent(queue::add);
        if (orphan && (controllerMoved
            || !SameContent.same(revision.path("metadata").path("labels"), old.path("metadata").path("labels")))) {
          selecting(revision).forEach(queue::add);
        }
      }
      case DELETED -> owner.ifPresent(queue::add);
      default -> { }
    }
  }

  private static String controllerUid(ObjectNode object) {
    return OwnerReferences.controllerOf(object).map(ref -> ref.path("uid").asText()).orElse("");
  }

  /** The keys of the DaemonSets whose selector matches {@code object}'s labels. */
  private List<String> selecting(ObjectNode object) {
    return daemonSets.list(ObjectMeta.namespace(object)).stream()
        .filter(ds -> selector(ds).map(s -> s.matches(object.path("metadata").path("labels"))).orElse(false))
        .map(Informer::key)
        .toList();
  }

  private Optional<String> controlling(ObjectNode pod) {
    return OwnerReferences.controllingKey(pod, "DaemonSet", daemonSets);
  }

  private static Optional<LabelSelector> selector(ObjectNode ds) {
    try {
      return Optional.of(LabelSelector.fromJson(ds.path("spec").path("selector")));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** syncDaemonSet. */
  void sync(String key) throws ApiException {
    if (daemonSets.revision() < statusWrites.get()) {
      queue.addAfter(key, Duration.ofMillis(2)); // the cache has not seen our last status write yet
      return;
    }
    Optional<ObjectNode> found = daemonSets.get(key);
    if (found.isEmpty()) {
      expectations.forget(key);
      backoff.forget(key);
      return;
    }
    ObjectNode ds = found.get();
    Optional<LabelSelector> selector = selector(ds);
    if (selector.isEmpty() || selector.get().isEmpty()) {
      events.record(ds, "Warning", "SelectingAll", "This daemon set is selecting all pods. A non-empty selector is required.");
      return;
    }
    if (ObjectMeta.isDeleting(ds)) {
      return;
    }
    List<ObjectNode> nodeList = new ArrayList<>(nodes.list());
    nodeList.sort(java.util.Comparator.comparing(ObjectMeta::name));
    List<ObjectNode> old = new ArrayList<>();
    String hash = constructHistory(ds, selector.get(), old);
    List<ObjectNode> claimed = new ControllerRefManager(registry, ResourceTypes.DAEMONSETS, ds, selector.get(),
        ResourceTypes.PODS).claim(pods.list(ObjectMeta.namespace(ds)));
    Map<String, List<ObjectNode>> byNode = DaemonSetSync.podsByNode(claimed);
    Instant now = registry.clock().instant();
    if (!expectations.satisfied(key)) {
      writeStatus(ds, DaemonSetSync.status(ds, nodeList, byNode, hash, now, false));
      return;
    }
    ApiException error = null;
    try {
      DaemonSetSync.Plan plan = DaemonSetSync.manage(ds, nodeList, byNode, hash, backoff, key, now);
      for (ObjectNode pod : plan.failedPods()) {
        String node = DaemonPods.targetNode(pod).orElse("");
        events.record(ds, "Warning", "FailedDaemonPod", DaemonSetSync.failedPodMessage(pod, node));
      }
      if (plan.requeueAfter() != null) {
        queue.addAfter(key, plan.requeueAfter());
      }
      syncNodes(key, ds, plan, hash);
      if (expectations.satisfied(key)
          && "RollingUpdate".equals(ds.path("spec").path("updateStrategy").path("type").asText())) {
        syncNodes(key, ds, DaemonSetSync.rollingUpdate(ds, nodeList, byNode, hash, now), hash);
      }
      cleanupHistory(ds, old, claimed);
    } catch (ApiException e) {
      error = e;
    }
    ObjectNode status = DaemonSetSync.status(ds, nodeList, byNode, hash, now, true);
    writeStatus(ds, status);
    if (error != null) {
      throw error;
    }
    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
    if (minReady > 0 && status.path("numberReady").asInt() != status.path("numberAvailable").asInt()) {
      queue.addAfter(key, Duration.ofSeconds(minReady)); // as upstream: ready pods turn available without an event
    }
  }

  /**
   * constructHistory: the revision whose data is the current template patch (made when missing,
   * renumbered past the others when an old template comes back), its hash; the others into {@code old}.
   * Orphaned revisions the selector matches are adopted first, as upstream's controlledHistories.
   */
  private String constructHistory(ObjectNode ds, LabelSelector selector, List<ObjectNode> old) throws ApiException {
    JsonNode data = templatePatch(ds);
    List<ObjectNode> current = new ArrayList<>();
    for (ObjectNode revision : ControllerHistory.claim(registry, ResourceTypes.DAEMONSETS, ds, selector,
        revisions.list(ObjectMeta.namespace(ds)))) {
      if (SameContent.same(revision.path("data"), data)) {
        current.add(revision);
      } else {
        old.add(revision);
      }
    }
    long next = ControllerHistory.nextRevision(old);
    ObjectNode cur;
    if (current.isEmpty()) {
      cur = snapshot(ds, data, next);
    } else {
      // dedupCurHistories: keep the newest, point pods of the others at it
      cur = current.get(current.size() - 1);
      for (ObjectNode duplicate : current.subList(0, current.size() - 1)) {
        registry.delete(ResourceTypes.CONTROLLERREVISIONS, ObjectMeta.namespace(duplicate), ObjectMeta.name(duplicate),
            DeleteOptions.DEFAULT);
      }
      if (cur.path("revision").asLong() < next) {
        cur = ControllerHistory.renumber(registry, cur, next);
      }
    }
    return cur.path("metadata").path("labels").path(DaemonPods.HASH_LABEL).asText(ObjectMeta.name(cur));
  }

  /** snapshot: a new revision; a name taken by another template raises {@code status.collisionCount}. */
  private ObjectNode snapshot(ObjectNode ds, JsonNode data, long number) throws ApiException {
    JsonNode collisions = ds.path("status").path("collisionCount");
    Integer collisionCount = collisions.isIntegralNumber() ? collisions.asInt() : null;
    JsonNode template = ds.path("spec").path("template");
    String hash = PodTemplates.hash(template, collisionCount);
    try {
      return registry.create(ResourceTypes.CONTROLLERREVISIONS, ObjectMeta.namespace(ds),
          revision(ds, template.path("metadata").path("labels"), hash, data, number));
    } catch (ApiException e) {
      if (e.code() != 409) {
        throw e;
      }
      ObjectNode existing = registry.get(ResourceTypes.CONTROLLERREVISIONS, ObjectMeta.namespace(ds),
          ObjectMeta.name(ds) + "-" + hash);
      if (SameContent.same(existing.path("data"), data)) {
        return existing; // as upstream's snapshot: equal data is this revision, even orphaned
      }
      ObjectNode body = registry.get(ResourceTypes.DAEMONSETS, ObjectMeta.namespace(ds), ObjectMeta.name(ds));
      ObjectNode status = body.get("status") instanceof ObjectNode s ? s : body.putObject("status");
      status.put("collisionCount", (collisionCount == null ? 0 : collisionCount) + 1);
      registry.update(ResourceTypes.DAEMONSETS, ObjectMeta.namespace(ds), ObjectMeta.name(ds), body, "status");
      throw e; // the next sync hashes with the new count
    }
  }

  /**
   * The revision a DaemonSet's snapshot makes: {@code <ds>-<hash>} of its pod template (not of the
   * data, as StatefulSets' are), labelled with the template's labels and {@value DaemonPods#HASH_LABEL},
   * with the DaemonSet's annotations (its change-cause) and a controller reference.
   */
  private static ObjectNode revision(ObjectNode ds, JsonNode templateLabels, String hash, JsonNode data, long number) {
    ObjectNode revision = Json.object();
    revision.put("apiVersion", "apps/v1").put("kind", "ControllerRevision");
    ObjectNode metadata = revision.putObject("metadata");
    metadata.put("name", ObjectMeta.name(ds) + "-" + hash).put("namespace", ObjectMeta.namespace(ds));
    ObjectNode labels = templateLabels instanceof ObjectNode l ? l.deepCopy() : Json.object();
    labels.put(DaemonPods.HASH_LABEL, hash);
    metadata.set("labels", labels);
    if (ds.path("metadata").get("annotations") instanceof ObjectNode annotations && !annotations.isEmpty()) {
      metadata.set("annotations", annotations.deepCopy());
    }
    metadata.putArray("ownerReferences").add(OwnerReferences.controllerRef(ResourceTypes.DAEMONSETS, ds));
    revision.set("data", data.deepCopy());
    revision.put("revision", number);
    return revision;
  }

  /** getPatch: {@code {"spec":{"template":{...,"$patch":"replace"}}}}, what {@code kubectl rollout undo} applies. */
  static JsonNode templatePatch(ObjectNode ds) {
    ObjectNode template = ds.path("spec").path("template") instanceof ObjectNode t ? t.deepCopy() : Json.object();
    template.put("$patch", "replace");
    ObjectNode patch = Json.object();
    patch.putObject("spec").set("template", template);
    return patch;
  }

  /** cleanupHistory: old revisions beyond revisionHistoryLimit, oldest first, unless pods still run them. */
  private void cleanupHistory(ObjectNode ds, List<ObjectNode> old, List<ObjectNode> claimed) throws ApiException {
    Set<String> liveHashes = new HashSet<>();
    for (ObjectNode pod : claimed) {
      liveHashes.add(pod.path("metadata").path("labels").path(DaemonPods.HASH_LABEL).asText(""));
    }
    Set<String> live = new HashSet<>();
    for (ObjectNode revision : old) {
      if (liveHashes.contains(revision.path("metadata").path("labels").path(DaemonPods.HASH_LABEL).asText(""))) {
        live.add(ObjectMeta.name(revision));
      }
    }
    ControllerHistory.truncate(registry, old, live, ds.path("spec").path("revisionHistoryLimit").asInt(10));
  }

  /** syncNodes: deletes, then creates pods on nodes (stopping at the first failure), within the burst. */
  private void syncNodes(String key, ObjectNode ds, DaemonSetSync.Plan plan, String hash) throws ApiException {
    List<String> create = plan.nodesToCreate().subList(0, Math.min(plan.nodesToCreate().size(), BURST_REPLICAS));
    List<ObjectNode> delete = plan.podsToDelete().subList(0, Math.min(plan.podsToDelete().size(), BURST_REPLICAS));
    if (create.isEmpty() && delete.isEmpty()) {
      return;
    }
    expectations.expect(key, create.size(), delete.stream().map(Informer::key).toList());
    String namespace = ObjectMeta.namespace(ds);
    ApiException first = null;
    for (ObjectNode pod : delete) {
      try {
        registry.delete(ResourceTypes.PODS, namespace, ObjectMeta.name(pod),
            new DeleteOptions(null, ObjectMeta.text(pod, "uid"), null, null));
        events.record(ds, "Normal", "SuccessfulDelete", "Deleted pod: " + ObjectMeta.name(pod));
      } catch (ApiException e) {
        expectations.deletionObserved(key, Informer.key(pod));
        if (e.code() != 404 && first == null) {
          events.record(ds, "Warning", "FailedDelete", "Error deleting: " + e.getMessage());
          first = e;
        }
      }
    }
    for (int i = 0; i < create.size(); i++) {
      try {
        ObjectNode pod = registry.create(ResourceTypes.PODS, namespace, DaemonPods.newPod(ds, hash, create.get(i)));
        events.record(ds, "Normal", "SuccessfulCreate", "Created pod: " + ObjectMeta.name(pod));
      } catch (ApiException e) {
        // the failed creation and those skipped after it (upstream's slow start) will never be observed
        for (int skipped = i; skipped < create.size(); skipped++) {
          expectations.creationObserved(key);
        }
        if (!e.hasCause("NamespaceTerminating")) {
          events.record(ds, "Warning", "FailedCreate", "Error creating: " + e.getMessage());
          first = first == null ? e : first;
        }
        break;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void writeStatus(ObjectNode ds, ObjectNode status) throws ApiException {
    if (SameContent.same(status, ds.path("status"))) {
      return;
    }
    ObjectNode body = ds.deepCopy();
    body.set("status", status);
    try {
      ObjectNode written = registry.update(ResourceTypes.DAEMONSETS, ObjectMeta.namespace(ds), ObjectMeta.name(ds),
          body, "status");
      statusWrites.accumulateAndGet(Long.parseLong(ObjectMeta.text(written, "resourceVersion")), Math::max);
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
      log.debug("DaemonSet {} went before its status was written", Informer.key(ds));
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
