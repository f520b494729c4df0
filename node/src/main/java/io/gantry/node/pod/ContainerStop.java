package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Stops one container as the kubelet's {@code killContainer} does: the {@code preStop} hook first
 * (when there is one and the grace period is not 0), for at most the grace period and no longer
 * than the container's process lives; then SIGTERM; then SIGKILL once what is left of the grace
 * period has passed, but never sooner than 2 s after the SIGTERM ({@code minimumGracePeriodInSeconds}),
 * so a hook that used the whole grace period still leaves the process 2 s to exit.
 *
 * <p>Concurrency: the whole sequence runs on one virtual thread; the callbacks run on it too and
 * must post to the pod loop. A failing hook is reported through {@code hookFailed}; a hook still
 * running when the grace period ends is cancelled without a report, as the kubelet does not wait
 * for it either.
 */
final class ContainerStop {

  /** The least time between SIGTERM and SIGKILL. */
  static final Duration MINIMUM_GRACE = Duration.ofSeconds(2);

  private final Thread thread;

  private ContainerStop(Thread thread) {
    this.thread = thread;
  }

  /**
   * Starts stopping {@code process}.
   *
   * @param preStop    the {@code lifecycle.preStop} handler, or null
   * @param hookFailed receives the hook's failure message
   * @param done       runs once the process is gone (or was SIGKILLed) and the hook is over
   */
  static ContainerStop start(String threadName, JsonNode preStop, LifecycleHook.Context context, Process process,
      Duration grace, Consumer<String> hookFailed, Runnable done) {
    return new ContainerStop(Thread.ofVirtual().name(threadName).start(() -> {
      try {
        run(threadName, preStop, context, process, grace, hookFailed);
      } catch (InterruptedException e) {
        PodWorker.signal(process, true);
      } finally {
        done.run();
      }
    }));
  }

  private static void run(String threadName, JsonNode preStop, LifecycleHook.Context context, Process process,
      Duration grace, Consumer<String> hookFailed) throws InterruptedException {
    long start = System.nanoTime();
    if (preStop != null && grace.isPositive() && process.isAlive()) {
      CompletableFuture<LifecycleHook.Result> hook = new CompletableFuture<>();
      LifecycleHook.Run run = LifecycleHook.start(threadName + "-pre-stop", preStop, context, hook::complete);
      try {
        CompletableFuture.anyOf(hook, process.onExit()).get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // the grace period is over: SIGTERM now
      } finally {
        LifecycleHook.Result result = hook.getNow(null);
        if (result == null) {
          run.cancel();
        } else if (!result.success()) {
          hookFailed.accept(result.failure());
        }
      }
    }
    // what is left of the grace period, in whole seconds as the kubelet counts it, at least 2 s
    long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    Duration rest = grace.minusSeconds(elapsed);
    if (rest.compareTo(MINIMUM_GRACE) < 0) {
      rest = MINIMUM_GRACE;
    }
    if (!process.isAlive()) {
      return;
    }
    PodWorker.signal(process, false);
    if (!process.waitFor(rest.toMillis(), TimeUnit.MILLISECONDS)) {
      PodWorker.signal(process, true);
      process.waitFor(2, TimeUnit.SECONDS);
    }
  }
}
