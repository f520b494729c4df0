package io.gantry.control.server.store.sqlite;

import io.gantry.control.server.store.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers watch events on one store-owned thread, in the order they were submitted.
 *
 * <p>Concurrency: {@link #publish} and {@link #start} only enqueue, so a writer never waits for a
 * listener. The caller must submit in revision order (the store does so under its write lock).
 * The list of live watchers is confined to the dispatcher thread. The queue is unbounded: a
 * listener that blocks delays every watch and lets the queue grow, so listeners must hand work off
 * rather than block.
 *
 * <p>Lifecycle: {@link #close} lets queued events drain for up to a few seconds, then interrupts
 * the thread.
 */
final class WatchDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchDispatcher.class);
  private static final Runnable STOP = () -> { };

  private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final List<Watcher> live = new ArrayList<>();
  private final Thread thread;
  private volatile boolean sweepNeeded;

  WatchDispatcher(String name) {
    this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
    thread.start();
  }

  /** A watcher that {@link #start} will register reports its closing here. */
  Runnable closeHook() {
    return () -> sweepNeeded = true;
  }

  /** Delivers the events of one revision to every live watcher. */
  void publish(List<WatchEvent> events) {
    queue.add(() -> deliverLive(events));
  }

  /** Replays {@code history} to {@code watcher}, then makes it live after {@code replayedThrough}. */
  void start(Watcher watcher, List<WatchEvent> history, long replayedThrough) {
    queue.add(() -> {
      for (WatchEvent event : history) {
        watcher.deliver(event);
      }
      watcher.goLive(replayedThrough);
      if (!watcher.isClosed()) {
        live.add(watcher);
      }
    });
  }

  private void deliverLive(List<WatchEvent> events) {
    if (sweepNeeded) {
      sweepNeeded = false;
      live.removeIf(Watcher::isClosed);
    }
    for (WatchEvent event : events) {
      for (Watcher watcher : live) {
        watcher.deliver(event);
      }
    }
    if (!events.isEmpty()) {
      long revision = events.get(events.size() - 1).revision();
      for (Watcher watcher : live) {
        watcher.caughtUp(revision);
      }
    }
  }

  private void run() {
    while (true) {
      Runnable task;
      try {
        task = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (task == STOP) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        // Watchers catch their listeners' exceptions; anything here is a bug, not a reason to stop.
        log.error("watch dispatcher task failed", e);
      }
    }
  }

  @Override
  public void close() {
    queue.add(STOP);
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
      if (thread.isAlive()) {
        log.warn("watch dispatcher did not drain within 5 s (a listener is blocking); interrupting it");
        thread.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.interrupt();
    }
  }
}
