package io.gantry.control.server.controller.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Reconciler} over the keys of a {@link WorkQueue} on dedicated worker threads.
 * A reconcile that throws is retried with back-off; one that returns normally is forgotten.
 *
 * <p>Lifecycle: {@link #start} launches the workers; {@link #close} shuts the queue down and
 * waits briefly for them.
 */
public final class ControllerLoop<K> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControllerLoop.class);

  /** Brings the world in line with the desired state of one key. Must be idempotent. */
  @FunctionalInterface
  public interface Reconciler<K> {
    void reconcile(K key) throws Exception;
  }

  private final String name;
  private final WorkQueue<K> queue;
  private final Reconciler<K> reconciler;
  private final List<Thread> workers = new ArrayList<>();

  private ControllerLoop(String name, WorkQueue<K> queue, Reconciler<K> reconciler) {
    this.name = name;
    this.queue = queue;
    this.reconciler = reconciler;
  }

  public static <K> ControllerLoop<K> start(String name, WorkQueue<K> queue, Reconciler<K> reconciler, int workers) {
    ControllerLoop<K> loop = new ControllerLoop<>(Objects.requireNonNull(name, "name"),
        Objects.requireNonNull(queue, "queue"), Objects.requireNonNull(reconciler, "reconciler"));
    for (int i = 0; i < workers; i++) {
      Thread thread = Thread.ofPlatform().daemon().name(name + "-" + i).start(loop::work);
      loop.workers.add(thread);
    }
    return loop;
  }

  private void work() {
    while (true) {
      K key;
      try {
        key = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        return;
      }
      try {
        reconciler.reconcile(key);
        queue.forget(key);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        log.warn("{}: reconciling {} failed, will retry: {}", name, key, e.toString());
        queue.retry(key);
      } finally {
        queue.done(key);
      }
    }
  }

  @Override
  public void close() {
    queue.close();
    for (Thread worker : workers) {
      worker.interrupt();
    }
    for (Thread worker : workers) {
      try {
        worker.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
