package io.gantry.control.server.controller.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.replicaset.Pods;
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
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * One pass of upstream's {@code updateStatefulSet} over a set's claimed pods: replace ended pods,
 * create missing ordinals, then delete the condemned ones (ordinals beyond the replicas) from the
 * highest, then the rolling update from the highest ordinal down to the partition. Under
 * {@code OrderedReady} every step waits until the pods before it are Running and Ready (and
 * available); under {@code Parallel} pods are created and condemned pods deleted without waiting.
 * Pods are made from the template of the revision they belong to: ordinals below the partition keep
 * the current revision. A pod's claims are created before it, and the claims of replicas and condemned
 * pods are kept owned as the retention policy wants ({@link StatefulClaimControl}).
 */
final class StatefulSetSync {

  private final ObjectRegistry registry;
  private final EventRecorder events;
  private final StatefulClaimControl claims;
  private final ObjectNode set;
  private final ObjectNode current;
  private final ObjectNode update;
  private final Instant now;
  private final Consumer<ObjectNode> podWritten;
  private final boolean monotonic;
  private final long minReadySeconds;
  private final int start;
  private final int replicas;

  StatefulSetSync(ObjectRegistry registry, EventRecorder events, StatefulClaimControl claims, ObjectNode set,
      ObjectNode current, ObjectNode update, Instant now, Consumer<ObjectNode> podWritten) {
    this.registry = registry;
    this.events = events;
    this.claims = claims;
    this.set = set;
    this.current = current;
    this.update = update;
    this.now = now;
    this.podWritten = podWritten;
    this.monotonic = !"Parallel".equals(set.path("spec").path("podManagementPolicy").asText());
    this.minReadySeconds = set.path("spec").path("minReadySeconds").asLong(0);
    this.start = StatefulPods.startOrdinal(set);
    this.replicas = Math.max(0, set.path("spec").path("replicas").asInt(1));
  }

  /** Creates, deletes and replaces pods; throws the first failure after trying what it may. */
  void run(List<ObjectNode> claimed) throws ApiException {
    ObjectNode[] slots = new ObjectNode[replicas];
    List<ObjectNode> condemned = new ArrayList<>();
    for (ObjectNode pod : claimed) {
      OptionalInt ordinal = StatefulPods.ordinal(pod);
      int slot = ordinal.isPresent() ? ordinal.getAsInt() - start : -1;
      if (slot >= 0 && slot < replicas) {
        slots[slot] = pod;
      } else {
        condemned.add(pod);
      }
    }
    condemned.sort(Comparator.comparingInt((ObjectNode p) -> StatefulPods.ordinal(p).orElse(-1)).reversed());
    // the first unhealthy pod, which may go while others wait: upstream looks at the replicas first,
    // but under OrderedReady the condemned are reached only once every replica is healthy
    ObjectNode firstUnhealthy = null;
    for (int i = condemned.size() - 1; i >= 0 && firstUnhealthy == null; i--) {
      if (!StatefulPods.isHealthy(condemned.get(i))) {
        firstUnhealthy = condemned.get(i);
      }
    }
    ApiException first = null;
    for (int i = 0; i < replicas; i++) {
      try {
        if (processReplica(slots, i) && monotonic) {
          return;
        }
      } catch (ApiException e) {
        if (monotonic) {
          throw e;
        }
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
    // the claims of condemned pods take the pod as owner (whenScaled: Delete) before the pods go
    for (ObjectNode pod : condemned) {
      try {
        if (!claims.matchesRetention(pod)) {
          claims.updateForRetention(pod);
        }
      } catch (ApiException e) {
        if (monotonic) {
          throw e;
        }
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
    // every replica is running and ready (under OrderedReady): scale down from the highest ordinal
    for (ObjectNode pod : condemned) {
      if (ObjectMeta.isDeleting(pod)) {
        if (monotonic) {
          return;
        }
        continue;
      }
      if (monotonic && pod != firstUnhealthy && (!StatefulPods.isRunningAndReady(pod)
          || !StatefulPods.isRunningAndAvailable(pod, minReadySeconds, now))) {
        return;
      }
      deletePod(pod);
      if (monotonic) {
        return;
      }
    }
    if (!"RollingUpdate".equals(set.path("spec").path("updateStrategy").path("type").asText())) {
      return; // OnDelete: pods take the new revision when someone deletes them
    }
    int partition = set.path("spec").path("updateStrategy").path("rollingUpdate").path("partition").asInt(0);
    for (int target = replicas - 1; target >= partition; target--) {
      ObjectNode pod = slots[target];
      if (pod == null) {
        return;
      }
      if (!StatefulPods.revision(pod).equals(ObjectMeta.name(update)) && !ObjectMeta.isDeleting(pod)) {
        deletePod(pod); // the replica loop recreates it from the update revision
        return;
      }
      if (!StatefulPods.isHealthy(pod)) {
        return;
      }
    }
  }

  /** processReplica: one ordinal; true when an OrderedReady set must wait before going further. */
  private boolean processReplica(ObjectNode[] slots, int slot) throws ApiException {
    ObjectNode pod = slots[slot];
    int ordinal = start + slot;
    if (pod != null && StatefulPods.hasEnded(pod)) {
      if (!ObjectMeta.isDeleting(pod)) {
        deletePod(pod);
      }
      return true; // its replacement comes once it is gone
    }
    if (pod == null) {
      if (claims.isStale(ObjectMeta.name(set) + "-" + ordinal)) {
        return true; // a claim of its removed predecessor is still going; its deletion re-queues the set
      }
      ObjectNode created = createPod(ordinal);
      slots[slot] = created;
      return true;
    }
    if ("Pending".equals(Pods.phase(pod))) {
      // a claim deleted under a pod that has not started is made again
      claims.createMissing(pod);
      claims.updateForRetention(pod);
    }
    if (ObjectMeta.isDeleting(pod) || !StatefulPods.isRunningAndReady(pod)
        || !StatefulPods.isRunningAndAvailable(pod, minReadySeconds, now)) {
      return true;
    }
    if (!claims.matchesRetention(pod)) {
      claims.updateForRetention(pod);
    }
    if (StatefulPods.identityMismatch(pod, ordinal)) {
      ObjectNode labels = Json.object();
      labels.put(StatefulPods.POD_NAME_LABEL, ObjectMeta.name(pod));
      labels.put(StatefulPods.POD_INDEX_LABEL, Integer.toString(ordinal));
      ObjectNode body = pod.deepCopy();
      ObjectNode metadata = (ObjectNode) body.get("metadata");
      (metadata.get("labels") instanceof ObjectNode l ? l : metadata.putObject("labels")).setAll(labels);
      podWritten.accept(registry.update(ResourceTypes.PODS, ObjectMeta.namespace(pod), ObjectMeta.name(pod), body,
          null));
    }
    return false;
  }

  /** newVersionedStatefulSetPod: ordinals below the partition stay at the current revision. */
  private ObjectNode createPod(int ordinal) throws ApiException {
    JsonNode rolling = set.path("spec").path("updateStrategy").path("rollingUpdate");
    boolean rollingUpdate = "RollingUpdate".equals(set.path("spec").path("updateStrategy").path("type").asText());
    boolean keepCurrent = rollingUpdate && (rolling.isMissingNode() || rolling.isNull()
        ? ordinal < start + set.path("status").path("currentReplicas").asInt(0)
        : ordinal < start + rolling.path("partition").asInt(0));
    ObjectNode revision = keepCurrent ? current : update;
    ObjectNode template = revision.path("data").path("spec").path("template") instanceof ObjectNode t
        ? t.deepCopy() : Json.object();
    template.remove("$patch");
    ObjectNode pod = StatefulPods.newPod(set, template, ordinal, ObjectMeta.name(revision));
    String name = ObjectMeta.name(pod);
    try {
      claims.createMissing(pod); // CreateStatefulPod: the claims first, so the pod never lacks one
      ObjectNode created = registry.create(ResourceTypes.PODS, ObjectMeta.namespace(set), pod);
      podWritten.accept(created);
      events.record(set, "Normal", "SuccessfulCreate", "create Pod " + name + " in StatefulSet "
          + ObjectMeta.name(set) + " successful");
      return created;
    } catch (ApiException e) {
      if (e.code() != 409 && !e.hasCause("NamespaceTerminating")) {
        events.record(set, "Warning", "FailedCreate", "create Pod " + name + " in StatefulSet "
            + ObjectMeta.name(set) + " failed error: " + e.getMessage());
      }
      throw e;
    }
  }

  private void deletePod(ObjectNode pod) throws ApiException {
    String name = ObjectMeta.name(pod);
    try {
      ObjectNode deleted = registry.delete(ResourceTypes.PODS, ObjectMeta.namespace(pod), name,
          new DeleteOptions(null, ObjectMeta.text(pod, "uid"), null, null));
      podWritten.accept(deleted);
      events.record(set, "Normal", "SuccessfulDelete", "delete Pod " + name + " in StatefulSet "
          + ObjectMeta.name(set) + " successful");
    } catch (ApiException e) {
      if (e.code() == 404) {
        return;
      }
      events.record(set, "Warning", "FailedDelete", "delete Pod " + name + " in StatefulSet "
          + ObjectMeta.name(set) + " failed error: " + e.getMessage());
      throw e;
    }
  }

  /**
   * The status of the pods as the cache shows them (upstream's updateStatus and
   * completeRollingUpdate): counts, revisions, the generation observed and the collision count.
   */
  ObjectNode status(List<ObjectNode> claimed, int collisionCount) {
    int total = 0;
    int ready = 0;
    int available = 0;
    int atCurrent = 0;
    int atUpdate = 0;
    String currentName = ObjectMeta.name(current);
    String updateName = ObjectMeta.name(update);
    for (ObjectNode pod : claimed) {
      total++;
      if (StatefulPods.isRunningAndReady(pod)) {
        ready++;
        if (StatefulPods.isRunningAndAvailable(pod, minReadySeconds, now)) {
          available++;
        }
      }
      if (!ObjectMeta.isDeleting(pod)) {
        String revision = StatefulPods.revision(pod);
        atCurrent += revision.equals(currentName) ? 1 : 0;
        atUpdate += revision.equals(updateName) ? 1 : 0;
      }
    }
    boolean rolledOut = "RollingUpdate".equals(set.path("spec").path("updateStrategy").path("type").asText())
        && atUpdate == total && ready == total;
    if (rolledOut) {
      atCurrent = atUpdate;
      currentName = updateName;
    }
    ObjectNode status = Json.object();
    status.put("observedGeneration", set.path("metadata").path("generation").asLong(0));
    status.put("replicas", total);
    putIfNotZero(status, "readyReplicas", ready);
    putIfNotZero(status, "currentReplicas", atCurrent);
    putIfNotZero(status, "updatedReplicas", atUpdate);
    status.put("currentRevision", currentName);
    status.put("updateRevision", updateName);
    status.put("collisionCount", collisionCount);
    status.put("availableReplicas", available);
    return status;
  }

  /** With {@code minReadySeconds}, when the first ready pod not yet available will be. */
  Optional<Duration> nextAvailability(List<ObjectNode> claimed) {
    if (minReadySeconds <= 0) {
      return Optional.empty();
    }
    Instant next = null;
    for (ObjectNode pod : claimed) {
      Optional<Instant> since = Pods.readySince(pod);
      if (since.isPresent() && !Pods.isAvailable(pod, minReadySeconds, now)) {
        Instant at = since.get().plusSeconds(minReadySeconds).plusMillis(1);
        next = next == null || at.isBefore(next) ? at : next;
      }
    }
    if (next == null) {
      return Optional.empty();
    }
    Duration delay = Duration.between(now, next);
    return Optional.of(delay.isNegative() ? Duration.ofMillis(1) : delay);
  }

  private static void putIfNotZero(ObjectNode status, String field, int value) {
    if (value != 0) {
      status.put(field, value);
    }
  }
}
