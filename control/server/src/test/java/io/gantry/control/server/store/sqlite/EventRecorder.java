package io.gantry.control.server.store.sqlite;

import static org.junit.jupiter.api.Assertions.fail;

import io.gantry.control.server.store.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A watch listener that records events and lets a test wait for them. */
final class EventRecorder implements Consumer<WatchEvent> {
  private final List<WatchEvent> events = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  @Override
  public void accept(WatchEvent event) {
    threads.add(Thread.currentThread());
    events.add(event);
  }

  /** Waits up to 10 s until at least {@code count} events arrived and returns all of them. */
  List<WatchEvent> await(int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.size() < count) {
      if (System.nanoTime() > deadline) {
        fail("expected " + count + " events within 10 s, got " + events.size() + ": " + revisions());
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
    return List.copyOf(events);
  }

  List<WatchEvent> events() {
    return List.copyOf(events);
  }

  List<Long> revisions() {
    List<Long> revisions = new ArrayList<>();
    for (WatchEvent event : events) {
      revisions.add(event.revision());
    }
    return revisions;
  }

  List<Thread> threads() {
    return List.copyOf(threads);
  }
}
