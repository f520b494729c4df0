package io.gantry.node.probe;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;

/**
 * Runs one probe of one container on its own virtual thread: waits {@code initialDelaySeconds},
 * then probes every {@code periodSeconds}; the result turns to success after
 * {@code successThreshold} consecutive successes and to failure after {@code failureThreshold}
 * consecutive failures, and each change of the result is reported once.
 *
 * <p>Concurrency: the counters belong to the worker's thread; {@code onChange} is called on that
 * thread and should hand the result to its owner's serialized context. {@link #stop} from any
 * thread.
 */
public final class ProbeWorker {

  /** Receives a change of the probe's result, and each failed attempt. */
  public interface Listener {
    void changed(boolean success, String message);

    /** One attempt failed (the kubelet records an Unhealthy event for each), whatever the result. */
    default void failed(String message) {}
  }

  private final ProbeSpec spec;
  private final Supplier<ProbeRunner.Result> attempt;
  private final Listener listener;
  private final Boolean initial;
  private volatile boolean stopped;
  private Thread thread;

  /**
   * @param initial the result before the first report: {@code false} for readiness (not ready until
   *                proven), {@code true} for liveness, {@code null} for startup (report both ways)
   */
  public ProbeWorker(ProbeSpec spec, Supplier<ProbeRunner.Result> attempt, Boolean initial, Listener listener) {
    this.spec = requireNonNull(spec, "spec");
    this.attempt = requireNonNull(attempt, "attempt");
    this.initial = initial;
    this.listener = requireNonNull(listener, "listener");
  }

  public ProbeWorker start(String name) {
    thread = Thread.ofVirtual().name(name).start(this::run);
    return this;
  }

  private void run() {
    Boolean result = initial;
    int successes = 0;
    int failures = 0;
    try {
      Thread.sleep(spec.initialDelay());
      while (!stopped) {
        ProbeRunner.Result r = attempt.get();
        if (stopped) {
          return;
        }
        if (r.success()) {
          successes++;
          failures = 0;
        } else {
          failures++;
          successes = 0;
          listener.failed(r.message());
        }
        Boolean next = result;
        if (r.success() && successes >= spec.successThreshold()) {
          next = Boolean.TRUE;
        } else if (!r.success() && failures >= spec.failureThreshold()) {
          next = Boolean.FALSE;
        }
        if (next != null && !next.equals(result)) {
          result = next;
          listener.changed(next, r.message());
        }
        Thread.sleep(spec.period());
      }
    } catch (InterruptedException e) {
      // stopped
    }
  }

  public void stop() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
