package io.gantry.control.server.controller.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A de-duplicating queue of keys to reconcile, as client-go's workqueue: a key added many times
 * before it is taken is reconciled once; a key being processed is not handed to a second
 * worker, and if it was added meanwhile it is queued again when {@link #done} is called.
 * Failed keys come back with exponential back-off (5 ms doubling to 60 s).
 *
 * <p>Concurrency: all methods are thread-safe; {@link #add} never blocks, so listeners on an
 * informer's thread may call it.
 */
public final class WorkQueue<K> implements AutoCloseable {

  private static final long BASE_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long MAX_DELAY_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Object lock = new Object();
  private final LinkedHashSet<K> queue = new LinkedHashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Set<K> dirty = new HashSet<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private final ScheduledExecutorService timer;
  private boolean shutdown;

  public WorkQueue(String name) {
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, name + "-queue-timer");
      thread.setDaemon(true);
      return thread;
    });
  }

  public void add(K key) {
    synchronized (lock) {
      if (shutdown) {
        return;
      }
      if (processing.contains(key)) {
        dirty.add(key);
        return;
      }
      if (queue.add(key)) {
        lock.notifyAll();
      }
    }
  }

  public void addAfter(K key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    synchronized (lock) {
      if (shutdown) {
        return;
      }
    }
    timer.schedule(() -> add(key), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Re-adds a key that failed, after its back-off. */
  public void retry(K key) {
    int count;
    synchronized (lock) {
      count = failures.merge(key, 1, Integer::sum);
    }
    long delay = Math.min(MAX_DELAY_NANOS, BASE_DELAY_NANOS << Math.min(count - 1, 30));
    addAfter(key, Duration.ofNanos(delay));
  }

  /** Forgets a key's failures after it succeeded. */
  public void forget(K key) {
    synchronized (lock) {
      failures.remove(key);
    }
  }

  /** The next key, waiting for one; null once the queue is shut down. */
  public K take() throws InterruptedException {
    synchronized (lock) {
      while (queue.isEmpty() && !shutdown) {
        lock.wait();
      }
      if (shutdown) {
        return null;
      }
      K key = queue.iterator().next();
      queue.remove(key);
      processing.add(key);
      return key;
    }
  }

  /** Marks a taken key finished; re-queues it if it was added while being processed. */
  public void done(K key) {
    synchronized (lock) {
      processing.remove(key);
      if (dirty.remove(key) && !shutdown) {
        queue.add(key);
        lock.notifyAll();
      }
    }
  }

  public int size() {
    synchronized (lock) {
      return queue.size();
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      shutdown = true;
      lock.notifyAll();
    }
    timer.shutdownNow();
  }
}
