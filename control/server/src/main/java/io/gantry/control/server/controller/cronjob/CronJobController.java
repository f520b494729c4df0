package io.gantry.control.server.controller.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.controller.job.JobConditions;
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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kube-controller-manager's CronJob controller ({@code pkg/controller/cronjob/cronjob_controllerv2.go}):
 * at each schedule time (the most recent one missed since {@code status.lastScheduleTime} or the
 * creation, within {@code startingDeadlineSeconds}) it creates a Job from the job template unless
 * the CronJob is suspended, or a Job is still active and the policy is Forbid (Replace deletes the
 * active Jobs first); it keeps {@code status.active}, {@code lastScheduleTime} and {@code
 * lastSuccessfulTime}, deletes the finished Jobs beyond the history limits, oldest first, and queues
 * the CronJob again for its next schedule time. Schedules without {@code timeZone} run in this
 * process's local time zone, as upstream's run in kube-controller-manager's.
 *
 * <p>Concurrency: informer listeners only queue CronJob keys; one worker reconciles. A reconcile
 * waits until the CronJob cache has seen this controller's last status write.
 *
 * <p>Lifecycle: {@link #start} starts the informers and the worker; {@link #close} stops them.
 */
public final class CronJobController implements AutoCloseable {

  private static final DateTimeFormatter RFC1123Z =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);
  private static final int TOO_MANY_MISSED = 100;

  private final ObjectRegistry registry;
  private final EventRecorder events;
  private final ZoneId localZone;
  private final Informer cronJobs = Informer.of(ResourceTypes.CRONJOBS);
  private final Informer jobs = Informer.of(ResourceTypes.JOBS);
  private final WorkQueue<String> queue = new WorkQueue<>("cronjob");
  private final AtomicLong statusWrites = new AtomicLong();
  private ControllerLoop<String> loop;

  private CronJobController(ObjectRegistry registry, ZoneId localZone) {
    this.registry = registry;
    this.localZone = localZone;
    this.events = new EventRecorder(registry, registry.clock(), "cronjob-controller");
  }

  /** Starts the controller, with schedules without a time zone in this process's local zone. */
  public static CronJobController start(ObjectRegistry registry, ObjectWatcher watcher) {
    return start(registry, watcher, ZoneId.systemDefault());
  }

  static CronJobController start(ObjectRegistry registry, ObjectWatcher watcher, ZoneId localZone) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(watcher, "watcher");
    CronJobController controller = new CronJobController(registry, Objects.requireNonNull(localZone, "localZone"));
    controller.cronJobs.listener(controller::onCronJob);
    controller.jobs.listener(controller::onJob);
    controller.jobs.start(watcher);
    controller.cronJobs.start(watcher);
    controller.loop = ControllerLoop.start("cronjob-controller", controller.queue,
        ConflictRequeue.of("cronjob", controller.queue, controller::reconcile), 1);
    return controller;
  }

  /** Queues every CronJob again (after a test moved its clock). */
  public void resyncAll() {
    cronJobs.list().forEach(cj -> queue.add(Informer.key(cj)));
  }

  private void onCronJob(ObjectEvent.Type type, ObjectNode cronJob, ObjectNode old) {
    if (type == ObjectEvent.Type.DELETED) {
      events.forget(ObjectMeta.text(cronJob, "uid"));
      return;
    }
    queue.add(Informer.key(cronJob));
  }

  private void onJob(ObjectEvent.Type type, ObjectNode job, ObjectNode old) {
    OwnerReferences.controllingKey(job, ResourceTypes.CRONJOBS.kind(), cronJobs).ifPresent(queue::add);
    if (old != null) {
      OwnerReferences.controllingKey(old, ResourceTypes.CRONJOBS.kind(), cronJobs).ifPresent(queue::add);
    }
  }

  /** One pass of upstream's {@code sync}: syncCronJob, cleanupFinishedJobs, the status, the requeue. */
  void reconcile(String key) throws ApiException {
    if (cronJobs.revision() < statusWrites.get()) {
      queue.addAfter(key, Duration.ofMillis(2));
      return;
    }
    Optional<ObjectNode> found = cronJobs.get(key);
    if (found.isEmpty()) {
      return;
    }
    ObjectNode cronJob = found.get();
    ObjectNode status = cronJob.get("status") instanceof ObjectNode s ? s.deepCopy() : Json.object();
    List<ObjectNode> children = jobs.list(ObjectMeta.namespace(cronJob)).stream()
        .filter(j -> OwnerReferences.isControlledBy(j, ObjectMeta.text(cronJob, "uid"))).toList();
    Duration requeueAfter = sync(cronJob, status, children);
    cleanupFinishedJobs(cronJob, status, children);
    if (!SameContent.same(status, cronJob.path("status"))) {
      ObjectNode body = cronJob.deepCopy();
      body.set("status", status);
      ObjectNode written = registry.update(ResourceTypes.CRONJOBS, ObjectMeta.namespace(cronJob),
          ObjectMeta.name(cronJob), body, "status");
      statusWrites.accumulateAndGet(Long.parseLong(ObjectMeta.text(written, "resourceVersion")), Math::max);
    }
    if (requeueAfter != null) {
      queue.addAfter(key, requeueAfter);
    }
  }

  /** syncCronJob: the status against the Jobs, then the schedule. How long until the next look, or null. */
  private Duration sync(ObjectNode cronJob, ObjectNode status, List<ObjectNode> children) throws ApiException {
    Set<String> childUids = new HashSet<>();
    for (ObjectNode job : children) {
      String uid = ObjectMeta.text(job, "uid");
      childUids.add(uid);
      boolean active = inActiveList(status, uid);
      boolean finished = JobConditions.finished(job);
      if (!active && !finished) {
        events.record(cronJob, "Warning", "UnexpectedJob",
            "Saw a job that the controller did not create or forgot: " + ObjectMeta.name(job));
      } else if (active && finished) {
        removeFromActiveList(status, uid);
        String condition = JobConditions.isTrue(job.path("status"), JobConditions.COMPLETE)
            ? JobConditions.COMPLETE : JobConditions.FAILED;
        events.record(cronJob, "Normal", "SawCompletedJob",
            "Saw completed job: " + ObjectMeta.name(job) + ", condition: " + condition);
      } else if (JobConditions.isTrue(job.path("status"), JobConditions.COMPLETE)) {
        String completion = job.path("status").path("completionTime").asText("");
        String last = status.path("lastSuccessfulTime").asText("");
        if (!completion.isEmpty() && (last.isEmpty() || Instant.parse(completion).isAfter(Instant.parse(last)))) {
          status.put("lastSuccessfulTime", completion);
        }
      }
    }
    for (JsonNode ref : activeRefs(status)) {
      String uid = ref.path("uid").asText();
      if (!childUids.contains(uid)
          && registry.find(ResourceTypes.JOBS, ObjectMeta.namespace(cronJob), ref.path("name").asText()).isEmpty()) {
        events.record(cronJob, "Normal", "MissingJob", "Active job went missing: " + ref.path("name").asText());
        removeFromActiveList(status, uid);
      }
    }
    if (ObjectMeta.isDeleting(cronJob)) {
      return null;
    }
    JsonNode spec = cronJob.path("spec");
    ZoneId zone = localZone;
    if (spec.hasNonNull("timeZone")) {
      try {
        zone = CronSchedule.TimeZones.load(spec.path("timeZone").asText());
      } catch (IllegalArgumentException e) {
        events.record(cronJob, "Warning", "UnknownTimeZone",
            "invalid timeZone: \"" + spec.path("timeZone").asText() + "\": " + e.getMessage());
        return null;
      }
    }
    if (spec.path("suspend").asBoolean(false)) {
      return null;
    }
    String scheduleText = spec.path("schedule").asText("");
    CronSchedule schedule;
    try {
      schedule = CronSchedule.parse(scheduleText, zone);
    } catch (IllegalArgumentException e) {
      events.record(cronJob, "Warning", "UnparseableSchedule",
          "unparseable schedule: \"" + scheduleText + "\" : " + e.getMessage());
      return null;
    }
    Instant now = registry.clock().instant();
    ObjectNode current = cronJob.deepCopy();
    current.set("status", status);
    Instant scheduledTime;
    try {
      ScheduleTimes.Missed missed = ScheduleTimes.mostRecent(current, now, schedule, true);
      if (missed.missed() > TOO_MANY_MISSED) {
        events.record(cronJob, "Warning", "TooManyMissedTimes", "too many missed start times: " + missed.missed()
            + ". Set or decrease .spec.startingDeadlineSeconds or check clock skew");
      }
      scheduledTime = missed.mostRecent();
    } catch (IllegalStateException e) {
      events.record(cronJob, "Warning", "InvalidSchedule", "invalid schedule: " + scheduleText + " : " + e.getMessage());
      return null;
    }
    if (scheduledTime == null) {
      return ScheduleTimes.untilNext(current, now, schedule);
    }
    JsonNode deadline = spec.path("startingDeadlineSeconds");
    if (deadline.canConvertToLong() && scheduledTime.plusSeconds(deadline.asLong()).isBefore(now)) {
      events.record(cronJob, "Warning", "MissSchedule", "Missed scheduled time to start a job: "
          + RFC1123Z.format(scheduledTime.atZone(ZoneOffset.UTC)));
      return ScheduleTimes.untilNext(current, now, schedule);
    }
    String jobName = JobFromTemplate.name(cronJob, scheduledTime);
    String last = status.path("lastScheduleTime").asText("");
    boolean alreadyProcessed = activeRefs(status).stream().anyMatch(r -> r.path("name").asText().equals(jobName))
        || !last.isEmpty() && Instant.parse(last).equals(scheduledTime);
    if (alreadyProcessed) {
      return ScheduleTimes.untilNext(current, now, schedule);
    }
    String policy = spec.path("concurrencyPolicy").asText("Allow");
    if (policy.equals("Forbid") && !activeRefs(status).isEmpty()) {
      events.record(cronJob, "Normal", "JobAlreadyActive",
          "Not starting job because prior execution is running and concurrency policy is Forbid");
      return ScheduleTimes.untilNext(current, now, schedule);
    }
    if (policy.equals("Replace")) {
      for (JsonNode ref : activeRefs(status)) {
        Optional<ObjectNode> job = registry.find(ResourceTypes.JOBS, ObjectMeta.namespace(cronJob),
            ref.path("name").asText());
        if (job.isPresent() && !deleteJob(cronJob, status, job.get())) {
          throw new IllegalStateException("could not replace job " + ObjectMeta.namespace(cronJob) + "/"
              + ref.path("name").asText());
        }
      }
    }
    ObjectNode created = createJob(cronJob, scheduledTime, jobName, status);
    if (created == null) {
      return null;
    }
    activeList(status).add(reference(created));
    status.put("lastScheduleTime", ObjectMeta.timestamp(scheduledTime));
    current.set("status", status);
    return ScheduleTimes.untilNext(current, now, schedule);
  }

  /** Creates the Job, or takes the one of this name this CronJob already made; null when it is another's. */
  private ObjectNode createJob(ObjectNode cronJob, Instant scheduledTime, String jobName, ObjectNode status)
      throws ApiException {
    try {
      ObjectNode created = registry.create(ResourceTypes.JOBS, ObjectMeta.namespace(cronJob),
          JobFromTemplate.job(cronJob, scheduledTime));
      events.record(cronJob, "Normal", "SuccessfulCreate", "Created job " + ObjectMeta.name(created));
      return created;
    } catch (ApiException e) {
      if (e.code() != 409) {
        events.record(cronJob, "Warning", "FailedCreate", "Error creating job: " + e.getMessage());
        throw e;
      }
      ObjectNode existing = registry.get(ResourceTypes.JOBS, ObjectMeta.namespace(cronJob), jobName);
      String uid = ObjectMeta.text(existing, "uid");
      if (!OwnerReferences.isControlledBy(existing, ObjectMeta.text(cronJob, "uid")) || inActiveList(status, uid)) {
        return null;
      }
      return existing;
    }
  }

  /** deleteJob: a Background deletion, the Job off the active list. Whether it went. */
  private boolean deleteJob(ObjectNode cronJob, ObjectNode status, ObjectNode job) {
    try {
      registry.delete(ResourceTypes.JOBS, ObjectMeta.namespace(job), ObjectMeta.name(job),
          new DeleteOptions(null, ObjectMeta.text(job, "uid"), null, "Background"));
    } catch (ApiException e) {
      if (e.code() != 404) {
        events.record(cronJob, "Warning", "FailedDelete", "Deleted job: " + e.getMessage());
        return false;
      }
    }
    removeFromActiveList(status, ObjectMeta.text(job, "uid"));
    events.record(cronJob, "Normal", "SuccessfulDelete", "Deleted job " + ObjectMeta.name(job));
    return true;
  }

  /** cleanupFinishedJobs: the finished Jobs beyond each history limit, oldest start first. */
  private void cleanupFinishedJobs(ObjectNode cronJob, ObjectNode status, List<ObjectNode> children) {
    JsonNode spec = cronJob.path("spec");
    List<ObjectNode> succeeded = new ArrayList<>();
    List<ObjectNode> failed = new ArrayList<>();
    for (ObjectNode job : children) {
      if (JobConditions.isTrue(job.path("status"), JobConditions.COMPLETE)) {
        succeeded.add(job);
      } else if (JobConditions.isTrue(job.path("status"), JobConditions.FAILED)) {
        failed.add(job);
      }
    }
    removeOldest(cronJob, status, succeeded, spec.path("successfulJobsHistoryLimit"));
    removeOldest(cronJob, status, failed, spec.path("failedJobsHistoryLimit"));
  }

  private void removeOldest(ObjectNode cronJob, ObjectNode status, List<ObjectNode> finished, JsonNode limit) {
    if (!limit.canConvertToLong() || finished.size() <= limit.asLong()) {
      return;
    }
    List<ObjectNode> sorted = new ArrayList<>(finished);
    sorted.sort(BY_START_TIME);
    for (int i = 0; i < sorted.size() - limit.asLong(); i++) {
      deleteJob(cronJob, status, sorted.get(i));
    }
  }

  /** byJobStartTime: started before unstarted, then by start time, then by name. */
  private static final Comparator<ObjectNode> BY_START_TIME = Comparator
      .comparing((ObjectNode j) -> j.path("status").path("startTime").asText("").isEmpty())
      .thenComparing(j -> {
        String start = j.path("status").path("startTime").asText("");
        return start.isEmpty() ? Instant.EPOCH : Instant.parse(start);
      })
      .thenComparing(ObjectMeta::name);

  /** getRef: the Job as an ObjectReference. */
  private static ObjectNode reference(ObjectNode job) {
    ObjectNode ref = Json.object();
    ref.put("kind", ResourceTypes.JOBS.kind());
    ref.put("namespace", ObjectMeta.namespace(job));
    ref.put("name", ObjectMeta.name(job));
    ref.put("uid", ObjectMeta.text(job, "uid"));
    ref.put("apiVersion", ResourceTypes.JOBS.apiVersion());
    ref.put("resourceVersion", ObjectMeta.text(job, "resourceVersion"));
    return ref;
  }

  /** A copy of the active references, for reading while the list changes. */
  private static List<JsonNode> activeRefs(ObjectNode status) {
    List<JsonNode> refs = new ArrayList<>();
    status.path("active").forEach(refs::add);
    return refs;
  }

  private static ArrayNode activeList(ObjectNode status) {
    return status.get("active") instanceof ArrayNode a ? a : status.putArray("active");
  }

  private static boolean inActiveList(ObjectNode status, String uid) {
    for (JsonNode ref : status.path("active")) {
      if (uid.equals(ref.path("uid").asText())) {
        return true;
      }
    }
    return false;
  }

  private static void removeFromActiveList(ObjectNode status, String uid) {
    ArrayNode active = activeList(status);
    for (int i = active.size() - 1; i >= 0; i--) {
      if (uid.equals(active.get(i).path("uid").asText())) {
        active.remove(i);
      }
    }
    if (active.isEmpty()) {
      status.remove("active");
    }
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    } else {
      queue.close();
    }
    cronJobs.close();
    jobs.close();
  }
}
