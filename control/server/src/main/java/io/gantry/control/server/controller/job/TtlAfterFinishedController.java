package io.gantry.control.server.controller.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.replicaset.Pods;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * kube-controller-manager's TTL-after-finished controller: a finished Job with
 * {@code ttlSecondsAfterFinished} is deleted (foreground, so its pods go first) that many seconds
 * after its {@code Complete} or {@code Failed} condition was set. The expiry is checked again on a
 * fresh read before the deletion, which names the Job's uid.
 *
 * <p>Concurrency: the Job informer's listener only queues keys; one worker deletes.
 */
final class TtlAfterFinishedController implements AutoCloseable {

  private final ObjectRegistry registry;
  private final Informer jobs;
  private final WorkQueue<String> queue = new WorkQueue<>("ttl-after-finished");
  private ControllerLoop<String> loop;

  TtlAfterFinishedController(ObjectRegistry registry, Informer jobs) {
    this.registry = registry;
    this.jobs = jobs;
    jobs.listener((type, job, old) -> {
      if (type != ObjectEvent.Type.DELETED && needsCleanup(job)) {
        queue.add(Informer.key(job));
      }
    });
  }

  void start() {
    loop = ControllerLoop.start("ttl-after-finished-controller", queue, this::reconcile, 1);
    resyncAll();
  }

  void resyncAll() {
    jobs.list().stream().filter(TtlAfterFinishedController::needsCleanup)
        .forEach(job -> queue.add(Informer.key(job)));
  }

  private void reconcile(String key) throws ApiException {
    Optional<ObjectNode> cached = jobs.get(key).filter(TtlAfterFinishedController::needsCleanup);
    if (cached.isEmpty() || !expired(key, cached.get())) {
      return;
    }
    ObjectNode job = cached.get();
    // the TTL may have changed since the cache saw the Job
    Optional<ObjectNode> fresh = registry.find(ResourceTypes.JOBS, ObjectMeta.namespace(job), ObjectMeta.name(job))
        .filter(TtlAfterFinishedController::needsCleanup);
    if (fresh.isEmpty() || !expired(key, fresh.get())) {
      return;
    }
    try {
      registry.delete(ResourceTypes.JOBS, ObjectMeta.namespace(job), ObjectMeta.name(job),
          new DeleteOptions(null, ObjectMeta.text(fresh.get(), "uid"), null, "Foreground"));
    } catch (ApiException e) {
      if (e.code() != 404 && e.code() != 409) {
        throw e;
      }
    }
  }

  /** Whether the Job's time is up; if not, looks again when it will be. */
  private boolean expired(String key, ObjectNode job) {
    Optional<Instant> finishedAt = finishedAt(job);
    if (finishedAt.isEmpty()) {
      return false;
    }
    Instant expireAt = finishedAt.get().plusSeconds(job.path("spec").path("ttlSecondsAfterFinished").asLong());
    Instant now = registry.clock().instant();
    if (now.isBefore(expireAt)) {
      queue.addAfter(key, Duration.between(now, expireAt));
      return false;
    }
    return true;
  }

  private static boolean needsCleanup(ObjectNode job) {
    return job.path("spec").hasNonNull("ttlSecondsAfterFinished") && JobConditions.finished(job)
        && !ObjectMeta.isDeleting(job);
  }

  /** When the Complete or Failed condition became True. */
  private static Optional<Instant> finishedAt(ObjectNode job) {
    for (JsonNode condition : job.path("status").path("conditions")) {
      String type = condition.path("type").asText();
      if ((type.equals(JobConditions.COMPLETE) || type.equals(JobConditions.FAILED))
          && "True".equals(condition.path("status").asText())) {
        return Pods.instant(condition.path("lastTransitionTime").asText(""));
      }
    }
    return Optional.empty();
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
