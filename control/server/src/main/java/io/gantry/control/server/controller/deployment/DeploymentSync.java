package io.gantry.control.server.controller.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One reconcile of one Deployment: upstream's {@code syncDeployment} with its rolling, recreate,
 * scaling and status steps. It works on the ReplicaSets the Deployment owns and writes through the
 * registry; each write is pinned to the resourceVersion it read, so a stale cache ends in a 409 and
 * a retry rather than a wrong decision.
 *
 * <p>Concurrency: confined to one worker thread for its lifetime.
 */
final class DeploymentSync {

  /** Annotations of the Deployment that are not copied to its ReplicaSets. */
  private static final Set<String> NOT_COPIED = Set.of("kubectl.kubernetes.io/last-applied-configuration",
      ReplicaSets.REVISION, ReplicaSets.REVISION_HISTORY, ReplicaSets.DESIRED_REPLICAS, ReplicaSets.MAX_REPLICAS,
      "deprecated.deployment.rollback.to");

  private final ObjectRegistry registry;
  private final EventRecorder events;
  private final Instant now;
  private final Consumer<ObjectNode> written;
  private final Map<String, List<ObjectNode>> podsByOwnerUid;
  private ObjectNode stored;
  private ObjectNode d;
  private final List<ObjectNode> all;
  private ObjectNode newRs;
  private List<ObjectNode> oldRss = List.of();
  /** When to look again without an event (progress deadline), or null. */
  private Duration requeueAfter;

  /**
   * @param deployment     the cached Deployment
   * @param owned          the ReplicaSets it controls
   * @param podsByOwnerUid its pods, by the uid of the ReplicaSet that controls them
   * @param written        told of every object this sync writes (for read-your-writes barriers)
   */
  DeploymentSync(ObjectRegistry registry, ObjectNode deployment, List<ObjectNode> owned,
      Map<String, List<ObjectNode>> podsByOwnerUid, Consumer<ObjectNode> written, EventRecorder events) {
    this.registry = registry;
    this.events = events;
    this.now = registry.clock().instant();
    this.written = written;
    this.podsByOwnerUid = podsByOwnerUid;
    this.stored = deployment;
    this.d = deployment.deepCopy();
    this.all = new ArrayList<>(owned);
  }

  Duration requeueAfter() {
    return requeueAfter;
  }

  void run() throws ApiException {
    if (ObjectMeta.isDeleting(d)) {
      syncAllReplicaSets(false);
      syncDeploymentStatus();
      return;
    }
    checkPausedConditions();
    if (paused()) {
      sync();
      return;
    }
    Long rollbackTo = rollbackTo();
    if (rollbackTo != null) {
      rollback(rollbackTo); // not re-entrant: nothing else happens until the annotation is gone
      return;
    }
    if (isScalingEvent()) {
      sync();
    } else if (Fenceposts.isRollingUpdate(d)) {
      rolloutRolling();
    } else {
      rolloutRecreate();
    }
  }

  // ---- the deprecated rollback annotation ----------------------------------------------------

  private static final String ROLLBACK_TO = "deprecated.deployment.rollback.to";

  /** The revision the deprecated rollback annotation asks for, or null (absent or not a number: ignored). */
  private Long rollbackTo() {
    String value = d.path("metadata").path("annotations").path(ROLLBACK_TO).asText("");
    try {
      return value.isEmpty() ? null : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Upstream's {@code rollback}: the template of the ReplicaSet at the asked revision (0: the one
   * before the current) becomes the Deployment's, with that ReplicaSet's annotations; the annotation
   * goes in any case, with a {@code DeploymentRollback} event or a Warning saying why not.
   */
  private void rollback(long asked) throws ApiException {
    syncAllReplicaSets(true);
    List<ObjectNode> rss = allRss();
    long revision = asked;
    if (revision == 0) {
      revision = lastRevision(rss);
      if (revision == 0) {
        events.record(d, "Warning", "RollbackRevisionNotFound", "Unable to find last revision.");
        clearRollbackTo(null);
        return;
      }
    }
    for (ObjectNode rs : rss) {
      if (ReplicaSets.revision(rs) != revision) {
        continue;
      }
      if (PodTemplates.equalIgnoreHash(d.path("spec").path("template"), rs.path("spec").path("template"))) {
        events.record(d, "Warning", "RollbackTemplateUnchanged",
            "The rollback revision contains the same template as current deployment \"" + ObjectMeta.name(d) + "\"");
        clearRollbackTo(null);
      } else {
        clearRollbackTo(rs);
        events.record(d, "Normal", "DeploymentRollback",
            "Rolled back deployment \"" + ObjectMeta.name(d) + "\" to revision " + revision);
      }
      return;
    }
    events.record(d, "Warning", "RollbackRevisionNotFound", "Unable to find the revision to rollback to.");
    clearRollbackTo(null);
  }

  /** Upstream's {@code LastRevision}: the second highest revision among the ReplicaSets. */
  private static long lastRevision(List<ObjectNode> rss) {
    long max = 0;
    long second = 0;
    for (ObjectNode rs : rss) {
      long v = ReplicaSets.revision(rs);
      if (v >= max) {
        second = max;
        max = v;
      } else if (v > second) {
        second = v;
      }
    }
    return second;
  }

  /**
   * Writes the Deployment without the rollback annotation and, when rolling back to {@code rs}, with
   * its template (without the hash label) and its annotations (SetDeploymentAnnotationsTo).
   */
  private void clearRollbackTo(ObjectNode rs) throws ApiException {
    ObjectNode body = stored.deepCopy();
    ObjectNode metadata = ObjectMeta.metadata(body);
    ObjectNode annotations = metadata.get("annotations") instanceof ObjectNode a ? a : metadata.putObject("annotations");
    if (rs != null) {
      ((ObjectNode) body.get("spec")).set("template", PodTemplates.withoutHash(rs.path("spec").path("template")));
      annotations.properties().removeIf(e -> !NOT_COPIED.contains(e.getKey()));
      for (Map.Entry<String, JsonNode> entry : rs.path("metadata").path("annotations").properties()) {
        if (!NOT_COPIED.contains(entry.getKey())) {
          annotations.set(entry.getKey(), entry.getValue());
        }
      }
    }
    annotations.remove(ROLLBACK_TO);
    stored = registry.update(ResourceTypes.DEPLOYMENTS, ObjectMeta.namespace(d), ObjectMeta.name(d), body, null);
    written.accept(stored);
  }

  private boolean paused() {
    return d.path("spec").path("paused").asBoolean(false);
  }

  private int replicas() {
    return Fenceposts.replicas(d);
  }

  private List<ObjectNode> allRss() {
    List<ObjectNode> list = new ArrayList<>(oldRss);
    if (newRs != null) {
      list.add(newRs);
    }
    return list;
  }

  // ---- paused, scaling, deleting ---------------------------------------------------------------

  private void checkPausedConditions() throws ApiException {
    if (!DeploymentStatuses.hasProgressDeadline(d)) {
      return;
    }
    ObjectNode status = status();
    boolean pausedCondition = DeploymentConditions.get(status, DeploymentConditions.PROGRESSING)
        .map(c -> DeploymentConditions.PAUSED.equals(c.path("reason").asText())).orElse(false);
    if (paused() && !pausedCondition) {
      DeploymentConditions.set(status, DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "Unknown",
          DeploymentConditions.PAUSED, "Deployment is paused", now));
      flushDeployment();
    } else if (!paused() && pausedCondition) {
      DeploymentConditions.set(status, DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "Unknown",
          DeploymentConditions.RESUMED, "Deployment is resumed", now));
      flushDeployment();
    }
  }

  /** A change of {@code spec.replicas} that the active ReplicaSets have not been told of yet. */
  private boolean isScalingEvent() throws ApiException {
    syncAllReplicaSets(false);
    for (ObjectNode rs : ReplicaSets.active(allRss())) {
      var desired = ReplicaSets.intAnnotation(rs, ReplicaSets.DESIRED_REPLICAS);
      if (desired.isPresent() && desired.getAsInt() != replicas()) {
        return true;
      }
    }
    return false;
  }

  /** Scaling and paused deployments: resize the ReplicaSets, clean up if paused, publish status. */
  private void sync() throws ApiException {
    syncAllReplicaSets(false);
    scale();
    if (paused()) {
      cleanup();
    }
    syncDeploymentStatus();
  }

  // ---- rollouts --------------------------------------------------------------------------------

  private void rolloutRolling() throws ApiException {
    syncAllReplicaSets(true);
    if (reconcileNewReplicaSet() || reconcileOldReplicaSets()) {
      syncRolloutStatus();
      return;
    }
    if (DeploymentStatuses.complete(d, d.path("status"))) {
      cleanup();
    }
    syncRolloutStatus();
  }

  private void rolloutRecreate() throws ApiException {
    syncAllReplicaSets(false);
    boolean scaledDown = false;
    for (ObjectNode old : ReplicaSets.active(oldRss)) {
      scaledDown |= scaleReplicaSet(old, 0);
    }
    if (scaledDown || oldPodsRunning()) {
      syncRolloutStatus();
      return;
    }
    if (newRs == null) {
      syncAllReplicaSets(true);
    }
    scaleReplicaSet(newRs, replicas());
    if (DeploymentStatuses.complete(d, d.path("status"))) {
      cleanup();
    }
    syncRolloutStatus();
  }

  /** Old ReplicaSets still report pods, or pods of theirs (even terminating ones) still exist. */
  private boolean oldPodsRunning() {
    if (ReplicaSets.sumStatus(oldRss) > 0) {
      return true;
    }
    String newUid = newRs == null ? "" : ObjectMeta.text(newRs, "uid");
    for (Map.Entry<String, List<ObjectNode>> entry : podsByOwnerUid.entrySet()) {
      if (entry.getKey().equals(newUid)) {
        continue;
      }
      for (ObjectNode pod : entry.getValue()) {
        String phase = pod.path("status").path("phase").asText("");
        if (!"Failed".equals(phase) && !"Succeeded".equals(phase)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Upstream's {@code reconcileNewReplicaSet}: grow the new ReplicaSet as far as the surge allows. */
  private boolean reconcileNewReplicaSet() throws ApiException {
    if (newRs == null || ReplicaSets.specReplicas(newRs) == replicas()) {
      return false;
    }
    if (ReplicaSets.specReplicas(newRs) > replicas()) {
      return scaleReplicaSet(newRs, replicas());
    }
    return scaleReplicaSet(newRs, newReplicaSetReplicas(allRss(), newRs));
  }

  /** Upstream's {@code NewRSNewReplicas}. */
  private int newReplicaSetReplicas(List<ObjectNode> sets, ObjectNode rs) {
    if (!Fenceposts.isRollingUpdate(d)) {
      return replicas();
    }
    int current = ReplicaSets.sumSpec(sets);
    int maxTotal = replicas() + Fenceposts.maxSurge(d);
    if (current >= maxTotal) {
      return ReplicaSets.specReplicas(rs);
    }
    int scaleUp = Math.min(maxTotal - current, replicas() - ReplicaSets.specReplicas(rs));
    return ReplicaSets.specReplicas(rs) + scaleUp;
  }

  /** Upstream's {@code reconcileOldReplicaSets}: shrink old ReplicaSets within {@code maxUnavailable}. */
  private boolean reconcileOldReplicaSets() throws ApiException {
    if (ReplicaSets.sumSpec(oldRss) == 0) {
      return false;
    }
    int allPods = ReplicaSets.sumSpec(allRss());
    int minAvailable = replicas() - Fenceposts.maxUnavailable(d);
    int newUnavailable = newRs == null ? 0 : ReplicaSets.specReplicas(newRs) - ReplicaSets.available(newRs);
    int maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) {
      return false;
    }
    OptionalInt cleaned = cleanupUnhealthyReplicas(maxScaledDown);
    if (cleaned.isEmpty()) {
      return false; // as upstream: no scale-down on counts that predate the last one
    }
    int scaledDown = scaleDownOldForRollingUpdate();
    return cleaned.getAsInt() + scaledDown > 0;
  }

  /**
   * Scales down old ReplicaSets' unavailable pods first, oldest ReplicaSet first. Empty when a
   * ReplicaSet reports more available pods than it asks for: its status predates a scale-down whose
   * pods are still going, so "unavailable" would come out negative and scale it up again, and its
   * available count would overstate what scaling down further leaves. Upstream refuses that step
   * ("invalid request to scale down") and skips scaling down for this sync; the status update that
   * follows the deletions queues the Deployment again.
   */
  private OptionalInt cleanupUnhealthyReplicas(int maxCleanup) throws ApiException {
    int total = 0;
    for (ObjectNode rs : sorted(oldRss, ReplicaSets.BY_CREATION)) {
      if (total >= maxCleanup) {
        break;
      }
      int specReplicas = ReplicaSets.specReplicas(rs);
      int available = ReplicaSets.available(rs);
      if (specReplicas == 0 || specReplicas == available) {
        continue;
      }
      if (available > specReplicas) {
        return OptionalInt.empty();
      }
      int count = Math.min(maxCleanup - total, specReplicas - available);
      scaleReplicaSet(rs, specReplicas - count);
      total += count;
    }
    return OptionalInt.of(total);
  }

  /** Scales down available old pods while more than {@code replicas - maxUnavailable} are available. */
  private int scaleDownOldForRollingUpdate() throws ApiException {
    int minAvailable = replicas() - Fenceposts.maxUnavailable(d);
    int available = ReplicaSets.sumAvailable(allRss());
    if (available <= minAvailable) {
      return 0;
    }
    int toScaleDown = available - minAvailable;
    int total = 0;
    for (ObjectNode rs : sorted(oldRss, ReplicaSets.BY_CREATION)) {
      if (total >= toScaleDown) {
        break;
      }
      int specReplicas = ReplicaSets.specReplicas(rs);
      if (specReplicas == 0) {
        continue;
      }
      int count = Math.min(specReplicas, toScaleDown - total);
      scaleReplicaSet(rs, specReplicas - count);
      total += count;
    }
    return total;
  }

  // ---- proportional scaling --------------------------------------------------------------------

  /** Upstream's {@code scale}: a replicas change spread over the active ReplicaSets by their size. */
  private void scale() throws ApiException {
    Optional<ObjectNode> single = activeOrLatest();
    if (single.isPresent()) {
      scaleReplicaSet(single.get(), replicas());
      return;
    }
    if (saturated(newRs)) {
      for (ObjectNode old : ReplicaSets.active(oldRss)) {
        scaleReplicaSet(old, 0);
      }
      return;
    }
    if (!Fenceposts.isRollingUpdate(d)) {
      return;
    }
    List<ObjectNode> active = new ArrayList<>(ReplicaSets.active(allRss()));
    int allowed = replicas() > 0 ? replicas() + Fenceposts.maxSurge(d) : 0;
    int toAdd = allowed - ReplicaSets.sumSpec(active);
    Comparator<ObjectNode> bySize = Comparator.comparingInt(ReplicaSets::specReplicas).reversed();
    if (toAdd > 0) {
      active.sort(bySize.thenComparing(ReplicaSets.BY_CREATION.reversed()));
    } else if (toAdd < 0) {
      active.sort(bySize.thenComparing(ReplicaSets.BY_CREATION));
    }
    int added = 0;
    int[] sizes = new int[active.size()];
    for (int i = 0; i < active.size(); i++) {
      ObjectNode rs = active.get(i);
      int proportion = toAdd == 0 ? 0 : proportion(rs, toAdd, added);
      sizes[i] = ReplicaSets.specReplicas(rs) + proportion;
      added += proportion;
    }
    for (int i = 0; i < active.size(); i++) {
      if (i == 0 && toAdd != 0) {
        sizes[0] = Math.max(0, sizes[0] + toAdd - added);
      }
      scaleReplicaSet(active.get(i), sizes[i]);
    }
  }

  /** Upstream's {@code FindActiveOrLatest}: the only active ReplicaSet, or the latest when none is. */
  private Optional<ObjectNode> activeOrLatest() {
    if (newRs == null && oldRss.isEmpty()) {
      return Optional.empty();
    }
    List<ObjectNode> newestFirst = sorted(oldRss, ReplicaSets.BY_CREATION.reversed());
    List<ObjectNode> active = ReplicaSets.active(allRss());
    if (active.isEmpty()) {
      return Optional.of(newRs != null ? newRs : newestFirst.get(0));
    }
    return active.size() == 1 ? Optional.of(active.get(0)) : Optional.empty();
  }

  private boolean saturated(ObjectNode rs) {
    if (rs == null) {
      return false;
    }
    var desired = ReplicaSets.intAnnotation(rs, ReplicaSets.DESIRED_REPLICAS);
    return desired.isPresent() && desired.getAsInt() == replicas()
        && ReplicaSets.specReplicas(rs) == replicas() && ReplicaSets.available(rs) == replicas();
  }

  /** Upstream's {@code GetProportion} and {@code getReplicaSetFraction}. */
  private int proportion(ObjectNode rs, int toAdd, int added) {
    if (ReplicaSets.specReplicas(rs) == 0 || toAdd == added) {
      return 0;
    }
    int fraction;
    if (replicas() == 0) {
      fraction = -ReplicaSets.specReplicas(rs);
    } else {
      int deploymentReplicas = replicas() + Fenceposts.maxSurge(d);
      int annotated = ReplicaSets.intAnnotation(rs, ReplicaSets.MAX_REPLICAS)
          .orElse((int) DeploymentStatuses.count(d.path("status"), "replicas"));
      double size = annotated == 0 ? ReplicaSets.specReplicas(rs)
          : (double) ReplicaSets.specReplicas(rs) * deploymentReplicas / annotated;
      fraction = (int) (Math.signum(size) * Math.round(Math.abs(size))) - ReplicaSets.specReplicas(rs);
    }
    int allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  // ---- ReplicaSets: new one, revisions, scaling, cleanup ----------------------------------------

  /**
   * Upstream's {@code getAllReplicaSetsAndSyncRevision}: finds the ReplicaSet whose template is the
   * Deployment's (creating it when asked), brings its revision annotations up to date, and records
   * the revision on the Deployment.
   */
  private void syncAllReplicaSets(boolean create) throws ApiException {
    JsonNode template = d.path("spec").path("template");
    ObjectNode found = null;
    for (ObjectNode rs : sorted(all, ReplicaSets.BY_CREATION)) {
      if (PodTemplates.equalIgnoreHash(rs.path("spec").path("template"), template)) {
        found = rs;
        break;
      }
    }
    List<ObjectNode> olds = new ArrayList<>(all);
    if (found != null) {
      olds.remove(found);
    }
    oldRss = olds;
    long newRevision = oldRss.stream().mapToLong(ReplicaSets::revision).max().orElse(0) + 1;
    if (found != null) {
      newRs = syncExistingNewReplicaSet(found, newRevision);
    } else if (create) {
      newRs = createNewReplicaSet(newRevision);
    } else {
      newRs = null;
    }
  }

  private ObjectNode syncExistingNewReplicaSet(ObjectNode rs, long newRevision) throws ApiException {
    ObjectNode copy = rs.deepCopy();
    boolean changed = setNewReplicaSetAnnotations(copy, newRevision, true);
    JsonNode minReady = d.path("spec").path("minReadySeconds");
    if (!copy.path("spec").path("minReadySeconds").equals(minReady)) {
      if (minReady.isMissingNode()) {
        ((ObjectNode) copy.get("spec")).remove("minReadySeconds");
      } else {
        ((ObjectNode) copy.get("spec")).set("minReadySeconds", minReady);
      }
      changed = true;
    }
    ObjectNode current = rs;
    if (changed) {
      current = writeReplicaSet(copy);
    }
    boolean needsUpdate = setDeploymentRevision(ReplicaSets.annotation(current, ReplicaSets.REVISION));
    if (DeploymentStatuses.hasProgressDeadline(d)
        && DeploymentConditions.get(status(), DeploymentConditions.PROGRESSING).isEmpty()) {
      DeploymentConditions.set(status(), DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
          DeploymentConditions.FOUND_NEW_RS, "Found new replica set \"" + ObjectMeta.name(current) + "\"", now));
      needsUpdate = true;
    }
    if (needsUpdate) {
      flushDeployment();
    }
    return current;
  }

  private ObjectNode createNewReplicaSet(long newRevision) throws ApiException {
    JsonNode collision = d.path("status").get("collisionCount");
    String hash = PodTemplates.hash(d.path("spec").path("template"),
        collision == null ? null : collision.asInt());
    ObjectNode template = PodTemplates.withoutHash(d.path("spec").path("template"));
    ObjectNode templateMeta = template.get("metadata") instanceof ObjectNode m ? m : template.putObject("metadata");
    ObjectNode labels = templateMeta.get("labels") instanceof ObjectNode l ? l : templateMeta.putObject("labels");
    labels.put(PodTemplates.HASH_LABEL, hash);
    ObjectNode selector = d.path("spec").path("selector") instanceof ObjectNode s ? s.deepCopy() : Json.object();
    ObjectNode matchLabels = selector.get("matchLabels") instanceof ObjectNode ml ? ml : selector.putObject("matchLabels");
    matchLabels.put(PodTemplates.HASH_LABEL, hash);

    ObjectNode rs = Json.object();
    ObjectNode metadata = rs.putObject("metadata");
    metadata.put("name", ObjectMeta.name(d) + "-" + hash);
    metadata.put("namespace", ObjectMeta.namespace(d));
    metadata.set("labels", labels.deepCopy());
    metadata.putArray("ownerReferences").add(OwnerReferences.controllerRef(ResourceTypes.DEPLOYMENTS, d));
    ObjectNode spec = rs.putObject("spec");
    spec.put("replicas", 0);
    if (d.path("spec").has("minReadySeconds")) {
      spec.set("minReadySeconds", d.path("spec").get("minReadySeconds"));
    }
    spec.set("selector", selector);
    spec.set("template", template);
    List<ObjectNode> sets = new ArrayList<>(oldRss);
    sets.add(rs);
    spec.put("replicas", newReplicaSetReplicas(sets, rs));
    setNewReplicaSetAnnotations(rs, newRevision, false);

    ObjectNode created;
    boolean alreadyExisted = false;
    try {
      created = registry.create(ResourceTypes.REPLICASETS, ObjectMeta.namespace(d), rs);
      written.accept(created);
    } catch (ApiException e) {
      if (e.code() != 409 || !"AlreadyExists".equals(e.reason())) {
        reportCreateError(ObjectMeta.name(rs), e);
        throw e;
      }
      Optional<ObjectNode> existing = registry.find(ResourceTypes.REPLICASETS, ObjectMeta.namespace(d),
          ObjectMeta.name(rs));
      if (existing.isPresent() && OwnerReferences.isControlledBy(existing.get(), ObjectMeta.text(d, "uid"))
          && PodTemplates.equalIgnoreHash(existing.get().path("spec").path("template"),
              d.path("spec").path("template"))) {
        created = existing.get();
        alreadyExisted = true;
      } else {
        // a hash collision with someone else's ReplicaSet: the next attempt hashes differently
        status().put("collisionCount", d.path("status").path("collisionCount").asInt(0) + 1);
        flushDeployment();
        throw e;
      }
    }
    all.add(created);
    if (!alreadyExisted && ReplicaSets.specReplicas(created) > 0) {
      events.record(d, "Normal", "ScalingReplicaSet",
          "Scaled up replica set " + ObjectMeta.name(created) + " from 0 to " + ReplicaSets.specReplicas(created));
    }
    boolean needsUpdate = setDeploymentRevision(Long.toString(newRevision));
    if (!alreadyExisted && DeploymentStatuses.hasProgressDeadline(d)) {
      DeploymentConditions.set(status(), DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
          DeploymentConditions.NEW_RS_CREATED, "Created new replica set \"" + ObjectMeta.name(created) + "\"", now));
      needsUpdate = true;
    }
    if (needsUpdate) {
      flushDeployment();
    }
    return created;
  }

  /**
   * Upstream's getNewReplicaSet on a failed create: Progressing False with reason
   * {@value DeploymentConditions#RS_CREATE_ERROR} (with a progress deadline) and a Warning event of
   * that reason, so {@code kubectl describe} shows why no ReplicaSet comes.
   */
  private void reportCreateError(String rsName, ApiException e) {
    if (e.hasCause("NamespaceTerminating")) {
      return;
    }
    String message = "Failed to create new replica set \"" + rsName + "\": " + e.getMessage();
    if (DeploymentStatuses.hasProgressDeadline(d)) {
      DeploymentConditions.set(status(), DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "False",
          DeploymentConditions.RS_CREATE_ERROR, message, now));
      try {
        flushDeployment();
      } catch (ApiException ignored) {
        // the create error is the one to report; the status is written again on the next sync
      }
    }
    events.record(d, "Warning", DeploymentConditions.RS_CREATE_ERROR, message);
  }

  /** Upstream's {@code SetNewReplicaSetAnnotations}, in place; true when anything changed. */
  private boolean setNewReplicaSetAnnotations(ObjectNode rs, long newRevision, boolean exists) {
    ObjectNode annotations = annotations(rs);
    boolean changed = false;
    for (Map.Entry<String, JsonNode> entry : d.path("metadata").path("annotations").properties()) {
      if (!NOT_COPIED.contains(entry.getKey()) && !entry.getValue().equals(annotations.get(entry.getKey()))) {
        annotations.set(entry.getKey(), entry.getValue());
        changed = true;
      }
    }
    String oldRevision = ReplicaSets.annotation(rs, ReplicaSets.REVISION);
    long old = ReplicaSets.revision(rs);
    if (old < newRevision) {
      annotations.put(ReplicaSets.REVISION, Long.toString(newRevision));
      changed = true;
      if (!oldRevision.isEmpty()) {
        String history = ReplicaSets.annotation(rs, ReplicaSets.REVISION_HISTORY);
        annotations.put(ReplicaSets.REVISION_HISTORY, history.isEmpty() ? oldRevision : history + "," + oldRevision);
      }
    }
    if (!exists) {
      changed |= setReplicasAnnotations(rs);
    }
    return changed;
  }

  /** Sets {@code desired-replicas} and {@code max-replicas}; true when they changed. */
  private boolean setReplicasAnnotations(ObjectNode rs) {
    String desired = Integer.toString(replicas());
    String max = Integer.toString(replicas() + Fenceposts.maxSurge(d));
    if (desired.equals(ReplicaSets.annotation(rs, ReplicaSets.DESIRED_REPLICAS))
        && max.equals(ReplicaSets.annotation(rs, ReplicaSets.MAX_REPLICAS))) {
      return false;
    }
    ObjectNode annotations = annotations(rs);
    annotations.put(ReplicaSets.DESIRED_REPLICAS, desired);
    annotations.put(ReplicaSets.MAX_REPLICAS, max);
    return true;
  }

  private boolean setDeploymentRevision(String revision) {
    if (revision.isEmpty() || revision.equals(ReplicaSets.annotation(d, ReplicaSets.REVISION))) {
      return false;
    }
    annotations(d).put(ReplicaSets.REVISION, revision);
    return true;
  }

  /** Upstream's {@code scaleReplicaSet}: size and replica annotations; true when the size changed. */
  private boolean scaleReplicaSet(ObjectNode rs, int size) throws ApiException {
    int from = ReplicaSets.specReplicas(rs);
    boolean resize = from != size;
    ObjectNode copy = rs.deepCopy();
    boolean annotate = setReplicasAnnotations(copy);
    if (!resize && !annotate) {
      return false;
    }
    ((ObjectNode) copy.get("spec")).put("replicas", size);
    writeReplicaSet(copy);
    if (resize) {
      // from-to order of Kubernetes 1.31+ (this server reports 1.32)
      events.record(d, "Normal", "ScalingReplicaSet", "Scaled " + (size > from ? "up" : "down") + " replica set "
          + ObjectMeta.name(rs) + " from " + from + " to " + size);
    }
    return resize;
  }

  private ObjectNode writeReplicaSet(ObjectNode rs) throws ApiException {
    ObjectNode updated = registry.update(ResourceTypes.REPLICASETS, ObjectMeta.namespace(rs), ObjectMeta.name(rs), rs,
        null);
    written.accept(updated);
    String uid = ObjectMeta.text(updated, "uid");
    all.replaceAll(r -> ObjectMeta.text(r, "uid").equals(uid) ? updated : r);
    oldRss = oldRss.stream().map(r -> ObjectMeta.text(r, "uid").equals(uid) ? updated : r).toList();
    if (newRs != null && ObjectMeta.text(newRs, "uid").equals(uid)) {
      newRs = updated;
    }
    return updated;
  }

  /** Upstream's {@code cleanupDeployment}: deletes the oldest empty ReplicaSets beyond the history limit. */
  private void cleanup() throws ApiException {
    JsonNode limit = d.path("spec").path("revisionHistoryLimit");
    if (!limit.isIntegralNumber()) {
      return;
    }
    List<ObjectNode> cleanable = sorted(oldRss.stream().filter(rs -> !ObjectMeta.isDeleting(rs)).toList(),
        ReplicaSets.BY_REVISION);
    int diff = cleanable.size() - limit.asInt();
    for (int i = 0; i < diff; i++) {
      ObjectNode rs = cleanable.get(i);
      if (ReplicaSets.statusReplicas(rs) != 0 || ReplicaSets.specReplicas(rs) != 0
          || rs.path("metadata").path("generation").asLong(0)
              > rs.path("status").path("observedGeneration").asLong(0)) {
        continue;
      }
      try {
        registry.delete(ResourceTypes.REPLICASETS, ObjectMeta.namespace(rs), ObjectMeta.name(rs),
            new DeleteOptions(null, ObjectMeta.text(rs, "uid"), null, "Background"));
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409) {
          throw e;
        }
      }
    }
  }

  // ---- status ---------------------------------------------------------------------------------

  private void syncDeploymentStatus() throws ApiException {
    d.set("status", DeploymentStatuses.calculate(d, allRss(), newRs, now));
    flushDeployment();
  }

  /** Upstream's {@code syncRolloutStatus}: counts plus the Progressing condition and its deadline. */
  private void syncRolloutStatus() throws ApiException {
    ObjectNode next = DeploymentStatuses.calculate(d, allRss(), newRs, now);
    boolean deadline = DeploymentStatuses.hasProgressDeadline(d);
    if (!deadline) {
      DeploymentConditions.remove(next, DeploymentConditions.PROGRESSING);
    }
    Optional<ObjectNode> current = DeploymentConditions.get(d.path("status"), DeploymentConditions.PROGRESSING);
    boolean completeBefore = DeploymentStatuses.count(next, "replicas") == DeploymentStatuses.count(next,
        "updatedReplicas") && current.isPresent()
        && DeploymentConditions.NEW_RS_AVAILABLE.equals(current.get().path("reason").asText());
    String subject = newRs != null ? "ReplicaSet \"" + ObjectMeta.name(newRs) + "\""
        : "Deployment \"" + ObjectMeta.name(d) + "\"";
    if (deadline && !completeBefore) {
      if (DeploymentStatuses.complete(d, next)) {
        DeploymentConditions.set(next, DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
            DeploymentConditions.NEW_RS_AVAILABLE, subject + " has successfully progressed.", now));
      } else if (DeploymentStatuses.progressing(d, next)) {
        ObjectNode condition = DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
            DeploymentConditions.RS_UPDATED, subject + " is progressing.", now);
        if (current.isPresent()) {
          if ("True".equals(current.get().path("status").asText())) {
            condition.set("lastTransitionTime", current.get().get("lastTransitionTime"));
          }
          DeploymentConditions.remove(next, DeploymentConditions.PROGRESSING);
        }
        DeploymentConditions.set(next, condition);
      } else if (DeploymentStatuses.timedOut(d, next, now)) {
        DeploymentConditions.set(next, DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "False",
            DeploymentConditions.TIMED_OUT, subject + " has timed out progressing.", now));
      }
    }
    Optional<ObjectNode> failure = replicaFailure();
    if (failure.isPresent()) {
      DeploymentConditions.set(next, failure.get());
    } else {
      DeploymentConditions.remove(next, DeploymentConditions.REPLICA_FAILURE);
    }
    if (next.equals(d.path("status"))) {
      requeueStuck(next);
      return;
    }
    d.set("status", next);
    flushDeployment();
    // Upstream requeues from the sync its own status write triggers; this controller skips the
    // echo of its writes, so it looks ahead now, or a rollout stuck from here on never times out.
    requeueStuck(next);
  }

  /** The first ReplicaFailure condition of the new ReplicaSet (or of any), as a Deployment condition. */
  private Optional<ObjectNode> replicaFailure() {
    List<ObjectNode> candidates = newRs != null ? List.of(newRs) : allRss();
    for (ObjectNode rs : candidates) {
      for (JsonNode c : rs.path("status").path("conditions")) {
        if (DeploymentConditions.REPLICA_FAILURE.equals(c.path("type").asText())) {
          ObjectNode condition = DeploymentConditions.condition(DeploymentConditions.REPLICA_FAILURE,
              c.path("status").asText(), c.path("reason").asText(), c.path("message").asText(), now);
          if (c.hasNonNull("lastTransitionTime")) {
            condition.set("lastTransitionTime", c.get("lastTransitionTime"));
            condition.set("lastUpdateTime", c.get("lastTransitionTime"));
          }
          return Optional.of(condition);
        }
      }
    }
    return Optional.empty();
  }

  /** Upstream's {@code requeueStuckDeployment}: look again when the progress deadline will pass. */
  private void requeueStuck(ObjectNode next) {
    Optional<ObjectNode> current = DeploymentConditions.get(d.path("status"), DeploymentConditions.PROGRESSING);
    if (!DeploymentStatuses.hasProgressDeadline(d) || current.isEmpty()
        || DeploymentStatuses.complete(d, next)
        || DeploymentConditions.TIMED_OUT.equals(current.get().path("reason").asText())) {
      return;
    }
    Instant updated = Instant.parse(current.get().path("lastUpdateTime").asText());
    Duration after = Duration.between(now,
        updated.plusSeconds(d.path("spec").path("progressDeadlineSeconds").asLong()));
    requeueAfter = after.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : after.plusSeconds(1);
  }

  /**
   * Writes the working copy's annotations and status where they differ from the stored Deployment,
   * in one status update, as upstream's UpdateStatus: annotations written through the main resource
   * would raise the generation.
   */
  private void flushDeployment() throws ApiException {
    String namespace = ObjectMeta.namespace(d);
    String name = ObjectMeta.name(d);
    JsonNode annotations = d.path("metadata").path("annotations");
    boolean annotated = !annotations.equals(stored.path("metadata").path("annotations"));
    if (annotated || !d.path("status").equals(stored.path("status"))) {
      ObjectNode body = stored.deepCopy();
      if (annotated) {
        ObjectMeta.metadata(body).set("annotations", annotations.deepCopy());
      }
      body.set("status", d.path("status").deepCopy());
      stored = registry.update(ResourceTypes.DEPLOYMENTS, namespace, name, body, "status");
      written.accept(stored);
    }
    JsonNode status = d.get("status");
    d = stored.deepCopy();
    if (status != null) {
      d.set("status", status.deepCopy());
    }
  }

  private ObjectNode status() {
    return d.get("status") instanceof ObjectNode s ? s : d.putObject("status");
  }

  private static ObjectNode annotations(ObjectNode object) {
    ObjectNode metadata = ObjectMeta.metadata(object);
    return metadata.get("annotations") instanceof ObjectNode a ? a : metadata.putObject("annotations");
  }

  private static List<ObjectNode> sorted(List<ObjectNode> sets, Comparator<ObjectNode> order) {
    List<ObjectNode> copy = new ArrayList<>(sets);
    copy.sort(order);
    return copy;
  }
}
