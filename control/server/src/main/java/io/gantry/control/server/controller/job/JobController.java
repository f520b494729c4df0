package io.gantry.control.server.controller.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.gc.ControllerRefManager;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.controller.replicaset.Expectations;
import io.gantry.control.server.controller.replicaset.PodDeletionOrder;
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
import io.gantry.control.server.registry.ObjectWatcher;
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
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-controller-manager's Job controller ({@code pkg/controller/job}): claims the pods its selector
 * matches, keeps {@code min(parallelism, remaining completions)} of them active (Indexed Jobs one per
 * pending index), counts the ones that succeeded and failed into the status, holds replacements of
 * failed pods back (10 s doubling, at most 6 min), and finishes the Job: {@code SuccessCriteriaMet}
 * then {@code Complete} once enough pods succeeded, {@code FailureTarget} then {@code Failed} (its
 * active pods deleted) past {@code backoffLimit} or {@code activeDeadlineSeconds}. A suspended Job
 * has no active pods. Finished Jobs and their pods are left alone (kept for their logs).
 *
 * <p>Without the {@code batch.kubernetes.io/job-tracking} finalizer, a pod is counted once through
 * an in-memory record of the pods counted per Job; after a restart, the pods that exist are taken to
 * be counted as far as the status's counts go. A pod deleted before it was seen finished is not
 * counted.
 *
 * <p>Concurrency: informer listeners record expectations and queue Job keys; one worker at a time
 * reconciles a key. A reconcile waits until the Job cache has seen this controller's last status
 * write.
 *
 * <p>Lifecycle: {@link #start} fills the caches and starts the workers and the TTL-after-finished
 * controller; {@link #close} stops them, then the informers. Close before the store.
 */
public final class JobController implements AutoCloseable {

  /** The most pods one reconcile creates or deletes (upstream's {@code MaxPodCreateDeletePerSync}). */
  static final int MAX_POD_CREATE_DELETE_PER_SYNC = 500;
  static final String BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
  static final String DEADLINE_EXCEEDED = "DeadlineExceeded";

  private static final Logger log = LoggerFactory.getLogger(JobController.class);

  /** The pods counted into a Job's status, and its failures since the last success. */
  private record Tracking(Set<String> counted, BackoffRecord backoff) {}

  private final ObjectRegistry registry;
  private final EventRecorder events;
  private final Informer jobs = Informer.of(ResourceTypes.JOBS);
  private final Informer pods = Informer.of(ResourceTypes.PODS);
  private final Expectations expectations = new Expectations();
  private final WorkQueue<String> queue = new WorkQueue<>("job");
  private final Map<String, Tracking> tracking = new ConcurrentHashMap<>();
  /** The revision of this controller's latest Job status write. */
  private final AtomicLong statusWrites = new AtomicLong();
  private TtlAfterFinishedController ttl;
  private ControllerLoop<String> loop;

  private JobController(ObjectRegistry registry) {
    this.registry = registry;
    this.events = new EventRecorder(registry, registry.clock(), "job-controller");
  }

  public static JobController start(ObjectRegistry registry, ObjectWatcher watcher) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(watcher, "watcher");
    JobController controller = new JobController(registry);
    controller.jobs.listener(controller::onJob);
    controller.pods.listener(controller::onPod);
    controller.ttl = new TtlAfterFinishedController(registry, controller.jobs);
    controller.pods.start(watcher);
    controller.jobs.start(watcher);
    controller.loop = ControllerLoop.start("job-controller", controller.queue,
        ConflictRequeue.of("job", controller.queue, controller::reconcile), 2);
    controller.ttl.start();
    return controller;
  }

  /** Queues every Job again (after a test moved its clock). */
  public void resyncAll() {
    jobs.list().forEach(job -> queue.add(Informer.key(job)));
    ttl.resyncAll();
  }

  private void onJob(ObjectEvent.Type type, ObjectNode job, ObjectNode old) {
    String key = Informer.key(job);
    if (type == ObjectEvent.Type.DELETED) {
      expectations.forget(key);
      tracking.remove(ObjectMeta.text(job, "uid"));
      return;
    }
    queue.add(key);
  }

  private void onPod(ObjectEvent.Type type, ObjectNode pod, ObjectNode old) {
    if (expectations.routePodEvent(type, pod, old, p -> OwnerReferences.controllingKey(p, "Job", jobs), queue)) {
      return;
    }
    if (type != ObjectEvent.Type.DELETED && !ObjectMeta.isDeleting(pod)
        && OwnerReferences.controllerOf(pod).isEmpty()) {
      // an orphan: the Jobs that match it may adopt it
      for (ObjectNode job : jobs.list(ObjectMeta.namespace(pod))) {
        if (LabelSelector.ofSpec(job).map(s -> s.matches(pod.path("metadata").path("labels"))).orElse(false)) {
          queue.add(Informer.key(job));
        }
      }
    }
  }

  /** A Job whose {@code spec.managedBy} names another controller (MultiKueue, say) is that controller's to run. */
  private static boolean managedElsewhere(ObjectNode job) {
    String manager = job.path("spec").path("managedBy").asText("");
    return !manager.isEmpty() && !manager.equals("kubernetes.io/job-controller");
  }

  /** One pass of upstream's {@code syncJob}. */
  void reconcile(String key) throws ApiException {
    if (jobs.revision() < statusWrites.get()) {
      queue.addAfter(key, Duration.ofMillis(2));
      return;
    }
    Optional<ObjectNode> found = jobs.get(key);
    if (found.isEmpty()) {
      expectations.forget(key);
      return;
    }
    ObjectNode job = found.get();
    if (JobConditions.finished(job) || managedElsewhere(job)) {
      return;
    }
    Optional<LabelSelector> selector = LabelSelector.ofSpec(job);
    if (selector.isEmpty() || selector.get().isEmpty()) {
      log.warn("job {} has an invalid or empty selector; ignoring it", key);
      return;
    }
    String uid = ObjectMeta.text(job, "uid");
    boolean satisfied = expectations.satisfied(key);
    List<ObjectNode> owned = new ControllerRefManager(registry, ResourceTypes.JOBS, job, selector.get(),
        ResourceTypes.PODS).claim(pods.list(ObjectMeta.namespace(job)));
    Instant now = registry.clock().instant();
    JsonNode spec = job.path("spec");
    boolean suspended = spec.path("suspend").asBoolean(false);
    ObjectNode status = job.get("status") instanceof ObjectNode s ? s.deepCopy() : Json.object();
    if (!status.hasNonNull("startTime") && !suspended) {
      status.put("startTime", ObjectMeta.timestamp(now));
    }

    Tracking tracked = tracking.get(uid);
    Set<String> counted = tracked == null ? new HashSet<>() : new HashSet<>(tracked.counted());
    List<ObjectNode> active = new ArrayList<>();
    List<ObjectNode> newSucceeded = new ArrayList<>();
    List<ObjectNode> newFailed = new ArrayList<>();
    int terminating = 0;
    for (ObjectNode pod : owned) {
      if (JobPods.terminating(pod)) {
        terminating++;
      }
      if (Pods.isActive(pod)) {
        active.add(pod);
      }
      if (counted.contains(ObjectMeta.text(pod, "uid"))) {
        continue;
      }
      if (JobPods.succeeded(pod)) {
        newSucceeded.add(pod);
      } else if (JobPods.failed(pod, job)) {
        newFailed.add(pod);
      }
    }
    BackoffRecord backoff = (tracked == null ? BackoffRecord.NONE : tracked.backoff())
        .after(finishTimes(newSucceeded, now), finishTimes(newFailed, now));
    // after a restart the status may count some of the pods already: add only what it lacks
    long succeeded = status.path("succeeded").asLong(0) + (tracked == null
        ? Math.max(0, newSucceeded.size() - status.path("succeeded").asLong(0)) : newSucceeded.size());
    long failed = status.path("failed").asLong(0) + (tracked == null
        ? Math.max(0, newFailed.size() - status.path("failed").asLong(0)) : newFailed.size());
    newSucceeded.forEach(pod -> counted.add(ObjectMeta.text(pod, "uid")));
    newFailed.forEach(pod -> counted.add(ObjectMeta.text(pod, "uid")));

    boolean indexed = "Indexed".equals(spec.path("completionMode").asText());
    SortedSet<Integer> succeededIndexes = null;
    if (indexed) {
      int completions = spec.path("completions").asInt(0);
      succeededIndexes = CompletedIndexes.parse(status.path("completedIndexes").asText(""), completions);
      for (ObjectNode pod : owned) {
        int index = JobPods.index(pod);
        if (JobPods.succeeded(pod) && index != JobPods.UNKNOWN_INDEX && index < completions) {
          succeededIndexes.add(index);
        }
      }
      succeeded = succeededIndexes.size();
    }

    ApiException manageError = null;
    int activeCount = active.size();
    int ready = (int) active.stream().filter(Pods::isReady).count();
    Optional<String[]> failure = failure(job, status, failed, owned, now, key);
    if (failure.isPresent()) {
      String reason = failure.get()[0];
      String message = failure.get()[1];
      JobConditions.ensure(status, JobConditions.FAILURE_TARGET, "True", reason, message, now);
      // when the Job fails, every pod still running counts as failed and is stopped
      for (ObjectNode pod : active) {
        if (counted.add(ObjectMeta.text(pod, "uid"))) {
          failed++;
        }
      }
      try {
        activeCount -= delete(key, job, active);
      } catch (ApiException e) {
        manageError = e;
      }
      ready = 0;
      if (active.isEmpty() && terminating == 0 && satisfied) {
        if (JobConditions.ensure(status, JobConditions.FAILED, "True", reason, message, now)) {
          events.record(job, "Warning", reason, message);
        }
      }
    } else {
      boolean managed = false;
      if (satisfied && !ObjectMeta.isDeleting(job)) {
        managed = true;
        try {
          activeCount = manage(key, job, active, terminating, succeeded, succeededIndexes, backoff, counted, now);
        } catch (ApiException e) {
          manageError = e;
        }
      }
      boolean complete = spec.hasNonNull("completions")
          ? succeeded >= spec.path("completions").asLong() && activeCount == 0
          : succeeded > 0 && activeCount == 0;
      if (complete) {
        String reason = "CompletionsReached";
        String message = "Reached expected number of succeeded pods";
        JobConditions.ensure(status, JobConditions.SUCCESS_CRITERIA_MET, "True", reason, message, now);
        if (terminating == 0 && JobConditions.ensure(status, JobConditions.COMPLETE, "True", reason, message, now)) {
          status.put("completionTime", ObjectMeta.timestamp(now));
          events.record(job, "Normal", "Completed", "Job completed");
        }
      } else if (managed && suspended) {
        if (JobConditions.ensure(status, JobConditions.SUSPENDED, "True", "JobSuspended", "Job suspended", now)) {
          events.record(job, "Normal", "Suspended", "Job suspended");
        }
      } else if (managed) {
        if (JobConditions.ensure(status, JobConditions.SUSPENDED, "False", "JobResumed", "Job resumed", now)) {
          events.record(job, "Normal", "Resumed", "Job resumed");
          // activeDeadlineSeconds counts the time a Job is continuously active
          status.put("startTime", ObjectMeta.timestamp(now));
        }
      }
    }

    putCount(status, "active", activeCount);
    status.put("ready", ready);
    putCount(status, "succeeded", succeeded);
    putCount(status, "failed", failed);
    status.put("terminating", terminating);
    if (indexed) {
      String completed = CompletedIndexes.format(succeededIndexes);
      if (completed.isEmpty()) {
        status.remove("completedIndexes");
      } else {
        status.put("completedIndexes", completed);
      }
    }
    status.putObject("uncountedTerminatedPods");
    writeStatus(job, status);
    tracking.put(uid, new Tracking(Set.copyOf(counted), backoff));
    if (manageError != null) {
      throw manageError;
    }
  }

  /** The reason and message the Job fails with now, if it does; queues the deadline check otherwise. */
  private Optional<String[]> failure(ObjectNode job, JsonNode status, long failed, List<ObjectNode> owned,
      Instant now, String key) {
    Optional<ObjectNode> target = JobConditions.find(status, JobConditions.FAILURE_TARGET)
        .filter(c -> "True".equals(c.path("status").asText()));
    if (target.isPresent()) {
      return Optional.of(new String[] {target.get().path("reason").asText(""), target.get().path("message").asText("")});
    }
    JsonNode spec = job.path("spec");
    long backoffLimit = spec.path("backoffLimit").asLong(6);
    if (failed > backoffLimit || pastBackoffLimitOnFailure(spec, owned, backoffLimit)) {
      return Optional.of(new String[] {BACKOFF_LIMIT_EXCEEDED, "Job has reached the specified backoff limit"});
    }
    Optional<Instant> start = Pods.instant(status.path("startTime").asText(""));
    if (spec.hasNonNull("activeDeadlineSeconds") && start.isPresent() && !spec.path("suspend").asBoolean(false)) {
      Instant deadline = start.get().plusSeconds(spec.path("activeDeadlineSeconds").asLong());
      if (!now.isBefore(deadline)) {
        return Optional.of(new String[] {DEADLINE_EXCEEDED, "Job was active longer than specified deadline"});
      }
      queue.addAfter(key, Duration.between(now, deadline));
    }
    return Optional.empty();
  }

  /** Under {@code restartPolicy: OnFailure} the kubelet restarts failed containers: their restarts count. */
  private static boolean pastBackoffLimitOnFailure(JsonNode spec, List<ObjectNode> owned, long backoffLimit) {
    if (!"OnFailure".equals(spec.path("template").path("spec").path("restartPolicy").asText())) {
      return false;
    }
    long restarts = owned.stream().mapToLong(JobPods::restarts).sum();
    return backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit;
  }

  /** upstream's {@code manageJob}: deletes surplus active pods or creates missing ones; the active count after. */
  private int manage(String key, ObjectNode job, List<ObjectNode> active, int terminating, long succeeded,
      SortedSet<Integer> succeededIndexes, BackoffRecord backoff, Set<String> counted, Instant now)
      throws ApiException {
    JsonNode spec = job.path("spec");
    int activeCount = active.size();
    if (spec.path("suspend").asBoolean(false)) {
      // pods stopped by a suspension are not failures
      active.forEach(pod -> counted.add(ObjectMeta.text(pod, "uid")));
      return activeCount - delete(key, job, active);
    }
    long parallelism = spec.path("parallelism").asLong(1);
    long wantActive;
    if (!spec.hasNonNull("completions")) {
      // a work queue: once a pod succeeded, the rest finish on their own and none is added
      wantActive = succeeded > 0 ? activeCount : parallelism;
    } else {
      wantActive = Math.max(0, Math.min(parallelism, spec.path("completions").asLong() - succeeded));
    }
    int surplus = (int) Math.min(activeCount - wantActive, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (surplus > 0) {
      List<ObjectNode> victims = removalOrder(spec, active, surplus);
      victims.forEach(pod -> counted.add(ObjectMeta.text(pod, "uid")));
      return activeCount - delete(key, job, victims);
    }
    int replacing = JobPods.onlyReplacesFailed(job) ? terminating : 0;
    long missing = wantActive - replacing - activeCount;
    if (missing <= 0) {
      return activeCount;
    }
    Duration wait = backoff.remaining(now);
    if (!wait.isZero()) {
      queue.addAfter(key, wait);
      return activeCount;
    }
    List<Integer> indexes = new ArrayList<>();
    int count = (int) Math.min(missing, MAX_POD_CREATE_DELETE_PER_SYNC);
    if ("Indexed".equals(spec.path("completionMode").asText())) {
      indexes = pendingIndexes(spec.path("completions").asInt(), succeededIndexes, active, count);
      count = indexes.size();
    }
    expectations.expectCreations(key, count);
    for (int i = 0; i < count; i++) {
      try {
        ObjectNode pod = registry.create(ResourceTypes.PODS, ObjectMeta.namespace(job),
            JobPods.create(job, indexes.isEmpty() ? JobPods.UNKNOWN_INDEX : indexes.get(i)));
        events.record(job, "Normal", "SuccessfulCreate", "Created pod: " + ObjectMeta.name(pod));
      } catch (ApiException e) {
        // the failed creation and the ones skipped after it will never be observed
        for (int skipped = i; skipped < count; skipped++) {
          expectations.creationObserved(key);
        }
        if (e.hasCause("NamespaceTerminating")) {
          return activeCount + i;
        }
        events.record(job, "Warning", "FailedCreate", "Error creating: " + e.getMessage());
        throw e;
      }
    }
    return activeCount + count;
  }

  /**
   * activePodsForRemoval: for an Indexed Job the pods with an index out of range or held twice first,
   * then the others in the ReplicaSet's order (not ready, newer first).
   */
  private static List<ObjectNode> removalOrder(JsonNode spec, List<ObjectNode> active, int count) {
    List<ObjectNode> first = new ArrayList<>();
    List<ObjectNode> rest = new ArrayList<>(active);
    if ("Indexed".equals(spec.path("completionMode").asText())) {
      int completions = spec.path("completions").asInt();
      Set<Integer> held = new HashSet<>();
      rest.clear();
      for (ObjectNode pod : active) {
        int index = JobPods.index(pod);
        if (index == JobPods.UNKNOWN_INDEX || index >= completions || !held.add(index)) {
          first.add(pod);
        } else {
          rest.add(pod);
        }
      }
    }
    List<ObjectNode> victims = new ArrayList<>(first.subList(0, Math.min(count, first.size())));
    if (victims.size() < count) {
      victims.addAll(PodDeletionOrder.pick(rest, rest, count - victims.size()));
    }
    return victims;
  }

  /** firstPendingIndexes: the lowest indexes neither succeeded nor held by an active pod. */
  private static List<Integer> pendingIndexes(int completions, SortedSet<Integer> succeeded, List<ObjectNode> active,
      int count) {
    Set<Integer> held = new HashSet<>(succeeded);
    active.forEach(pod -> held.add(JobPods.index(pod)));
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < completions && pending.size() < count; i++) {
      if (!held.contains(i)) {
        pending.add(i);
      }
    }
    return pending;
  }

  /** Deletes the pods (each by its uid), recording SuccessfulDelete; how many went. */
  private int delete(String key, ObjectNode job, List<ObjectNode> victims) throws ApiException {
    if (victims.isEmpty()) {
      return 0;
    }
    List<ObjectNode> batch = victims.subList(0, Math.min(victims.size(), MAX_POD_CREATE_DELETE_PER_SYNC));
    expectations.expectDeletions(key, batch.stream().map(Informer::key).toList());
    ApiException first = null;
    int deleted = 0;
    for (ObjectNode pod : batch) {
      try {
        registry.delete(ResourceTypes.PODS, ObjectMeta.namespace(pod), ObjectMeta.name(pod),
            new DeleteOptions(null, ObjectMeta.text(pod, "uid"), null, null));
        events.record(job, "Normal", "SuccessfulDelete", "Deleted pod: " + ObjectMeta.name(pod));
        deleted++;
      } catch (ApiException e) {
        expectations.deletionObserved(key, Informer.key(pod));
        if (e.code() == 404) {
          deleted++;
        } else if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return deleted;
  }

  private void writeStatus(ObjectNode job, ObjectNode status) throws ApiException {
    if (SameContent.same(status, job.path("status"))) {
      return;
    }
    ObjectNode body = job.deepCopy();
    body.set("status", status);
    try {
      ObjectNode written = registry.update(ResourceTypes.JOBS, ObjectMeta.namespace(job), ObjectMeta.name(job), body,
          "status");
      statusWrites.accumulateAndGet(Long.parseLong(ObjectMeta.text(written, "resourceVersion")), Math::max);
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }

  private static List<Instant> finishTimes(List<ObjectNode> finished, Instant now) {
    return finished.stream().map(pod -> JobPods.finishedAt(pod, now)).toList();
  }

  /** Go's omitempty on an int32 counter. */
  private static void putCount(ObjectNode status, String field, long value) {
    if (value == 0) {
      status.remove(field);
    } else {
      status.put(field, value);
    }
  }

  @Override
  public void close() {
    if (ttl != null) {
      ttl.close();
    }
    if (loop != null) {
      loop.close();
    } else {
      queue.close();
    }
    jobs.close();
    pods.close();
  }
}
