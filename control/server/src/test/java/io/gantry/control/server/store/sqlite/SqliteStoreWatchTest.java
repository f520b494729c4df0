package io.gantry.control.server.store.sqlite;

import static io.gantry.control.server.store.sqlite.SqliteStoreTxnTest.bytes;
import static io.gantry.control.server.store.sqlite.SqliteStoreTxnTest.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.server.store.CompactedException;
import io.gantry.control.server.store.Op;
import io.gantry.control.server.store.Watch;
import io.gantry.control.server.store.WatchEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreWatchTest {
  @TempDir Path dir;
  SqliteStore store;

  @BeforeEach
  void open() {
    store = SqliteStore.open(dir.resolve("store.db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private long put(String key, String value) {
    long revision = store.txn(List.of(), List.of(Op.put(key, bytes(value)))).revision();
    assertNotEquals(0, revision);
    return revision;
  }

  private static List<Long> range(long fromInclusive, long toInclusive) {
    return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
  }

  @Test
  void watchFromZeroSeesOnlyLaterWritesOnTheStoreThread() throws Exception {
    put("/w/old", "1");
    EventRecorder events = new EventRecorder();
    store.watch("/w/", 0, events);
    put("/w/new", "2");

    List<WatchEvent> seen = events.await(1);
    assertEquals(List.of("/w/new=2@2/2"), seen.stream().map(e -> describe(e.kv())).toList());
    assertEquals(WatchEvent.Type.PUT, seen.getFirst().type());
    assertNull(seen.getFirst().prevKv());
    assertNotEquals(Thread.currentThread(), events.threads().getFirst());
    assertTrue(events.threads().getFirst().getName().startsWith("gantry-store-watch"));
  }

  @Test
  void watchFromPastRevisionReplaysThenFollowsLive() throws Exception {
    for (int i = 1; i <= 5; i++) {
      put("/w/" + i, "v" + i);
    }
    EventRecorder events = new EventRecorder();
    store.watch("/w/", 3, events);
    for (int i = 6; i <= 8; i++) {
      put("/w/" + i, "v" + i);
    }
    events.await(6);
    put("/w/fence", "f");
    events.await(7);
    assertEquals(range(3, 9), events.revisions());
  }

  @Test
  void watchFromFutureRevisionWaitsForIt() throws Exception {
    put("/w/1", "1");
    EventRecorder events = new EventRecorder();
    store.watch("/w/", 4, events);
    put("/w/2", "2");
    put("/w/3", "3");
    put("/w/4", "4");
    put("/w/5", "5");
    events.await(2);
    assertEquals(List.of(4L, 5L), events.revisions());
  }

  @Test
  void progressFollowsChangesOutsideThePrefix() throws Exception {
    put("/a/1", "1");
    EventRecorder events = new EventRecorder();
    Watch watch = store.watch("/a/", 0, events);
    long elsewhere = 0;
    for (int i = 0; i < 3; i++) {
      elsewhere = put("/b/" + i, "x");
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (watch.progress() < elsewhere && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(elsewhere, watch.progress());
    assertEquals(List.of(), events.events(), "none of them is the watch's");
    watch.close();
  }

  @Test
  void prefixFiltersKeysThatOnlyShareText() throws Exception {
    EventRecorder events = new EventRecorder();
    store.watch("/a/b/", 0, events);
    put("/a/bc", "no");
    put("/a/b", "no");
    put("/a/b/1", "yes");
    events.await(1);
    put("/a/b/fence", "f");
    events.await(2);
    assertEquals(List.of("/a/b/1", "/a/b/fence"), events.events().stream().map(e -> e.kv().key()).toList());
  }

  @Test
  void eventsCarryPreviousValuesAndDeletesCarryTheLastValue() throws Exception {
    EventRecorder events = new EventRecorder();
    store.watch("/k", 0, events);
    store.create("/k", bytes("one"));
    store.update("/k", bytes("two"), 1);
    store.delete("/k", 2);

    List<WatchEvent> seen = events.await(3);
    WatchEvent update = seen.get(1);
    assertEquals("/k=two@1/2", describe(update.kv()));
    assertEquals("/k=one@1/1", describe(update.prevKv()));
    WatchEvent delete = seen.get(2);
    assertEquals(WatchEvent.Type.DELETE, delete.type());
    assertEquals("/k=two@1/3", describe(delete.kv()), "last value at the deletion's revision");
    assertEquals("/k=two@1/2", describe(delete.prevKv()));
  }

  @Test
  void replayedEventsMatchLiveOnes() throws Exception {
    EventRecorder live = new EventRecorder();
    store.watch("/k", 0, live);
    store.create("/k", bytes("one"));
    store.update("/k", bytes("two"), 1);
    store.delete("/k", 2);
    live.await(3);

    EventRecorder replayed = new EventRecorder();
    store.watch("/k", 1, replayed);
    replayed.await(3);
    assertEquals(render(live.events()), render(replayed.events()));
  }

  private static List<String> render(List<WatchEvent> events) {
    return events.stream()
        .map(e -> e.type() + " " + describe(e.kv()) + " prev " + (e.prevKv() == null ? "-" : describe(e.prevKv())))
        .toList();
  }

  /**
   * Watches start from various past revisions while a writer keeps committing; each must see
   * every revision from its start to the end exactly once and in order.
   */
  @Test
  void watchStartedDuringWritesHasNoGapAndNoDuplicate() throws Exception {
    int writes = 1500;
    Thread writer = Thread.ofPlatform().start(() -> {
      for (int i = 0; i < writes; i++) {
        put("/race/" + (i % 50), Integer.toString(i));
      }
    });
    List<EventRecorder> recorders = new ArrayList<>();
    List<Long> starts = new ArrayList<>();
    while (writer.isAlive() && recorders.size() < 25) {
      long current = store.currentRevision();
      long from = Math.max(1, current - (recorders.size() % 3) * 20);
      EventRecorder recorder = new EventRecorder();
      store.watch("/race/", from, recorder);
      recorders.add(recorder);
      starts.add(from);
      Thread.sleep(2);
    }
    writer.join();
    assertTrue(recorders.size() >= 5, "watches started while writing: " + recorders.size());
    for (int i = 0; i < recorders.size(); i++) {
      long from = starts.get(i);
      EventRecorder recorder = recorders.get(i);
      recorder.await((int) (writes - from + 1));
      assertEquals(range(from, writes), recorder.revisions(), "watch from " + from);
    }
  }

  @Test
  void compactedHistoryCannotBeWatchedButLaterHistoryCan() throws Exception {
    for (int i = 1; i <= 5; i++) {
      put("/c/" + i, "v");
    }
    store.compact(3);
    assertEquals(3, store.compactedRevision());

    CompactedException e = assertThrows(CompactedException.class, () -> store.watch("/c/", 3, new EventRecorder()));
    assertEquals(3, e.compactedRevision());
    assertThrows(CompactedException.class, () -> store.watch("/c/", 1, new EventRecorder()));

    EventRecorder events = new EventRecorder();
    store.watch("/c/", 4, events);
    events.await(2);
    assertEquals(List.of(4L, 5L), events.revisions());
    assertEquals(5, store.range("/c/", null, 0).kvs().size(), "compaction keeps current values");
  }

  @Test
  void compactBeyondCurrentRevisionIsRejected() {
    put("/c/1", "v");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.compact(2));
    assertTrue(e.getMessage().startsWith("revision: 2"), e.getMessage());
    assertEquals(0, store.compactedRevision());
  }

  @Test
  void throwingListenerLosesOnlyItsOwnWatch() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    store.watch("/t/", 0, event -> {
      calls.incrementAndGet();
      throw new IllegalStateException("listener bug (expected by the test)");
    });
    EventRecorder healthy = new EventRecorder();
    store.watch("/t/", 0, healthy);
    put("/t/1", "1");
    put("/t/2", "2");
    healthy.await(2);
    assertEquals(1, calls.get(), "the throwing watch was closed after its first event");

    EventRecorder later = new EventRecorder();
    store.watch("/t/", 0, later);
    put("/t/3", "3");
    later.await(1);
    assertEquals(List.of(1L, 2L, 3L), healthy.await(3).stream().map(WatchEvent::revision).toList());
  }

  @Test
  void closedWatchReceivesNothingMore() throws Exception {
    EventRecorder closed = new EventRecorder();
    Watch watch = store.watch("/x/", 0, closed);
    EventRecorder sentinel = new EventRecorder();
    store.watch("/x/", 0, sentinel);
    put("/x/1", "1");
    closed.await(1);
    watch.close();
    put("/x/2", "2");
    sentinel.await(2);
    assertEquals(List.of(1L), closed.revisions());
  }

  @Test
  void watchClosedFromItsOwnListenerStopsAtOnce() throws Exception {
    EventRecorder sentinel = new EventRecorder();
    List<Long> seen = new ArrayList<>();
    Watch[] self = new Watch[1];
    self[0] = store.watch("/x/", 0, event -> {
      seen.add(event.revision());
      self[0].close();
    });
    store.watch("/x/", 0, sentinel);
    // One txn, two events: the second must not be delivered after the close.
    store.txn(List.of(), List.of(Op.put("/x/1", bytes("1")), Op.put("/x/2", bytes("2"))));
    put("/x/3", "3");
    sentinel.await(3);
    assertEquals(List.of(1L), seen);
  }

  @Test
  void blockedListenerDoesNotBlockWriters() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    EventRecorder after = new EventRecorder();
    store.watch("/s/", 0, event -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    store.watch("/s/", 0, after);
    long start = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      put("/s/" + i, "v");
    }
    long writeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(0, after.events().size(), "delivery is stuck behind the blocked listener");
    release.countDown();
    after.await(100);
    assertTrue(writeMillis < 5_000, "writes took " + writeMillis + " ms while a listener was blocked");
  }

  @Test
  void thousandWatchesEachSeeTheirOwnKeys() throws Exception {
    int watches = 1000;
    List<EventRecorder> recorders = new ArrayList<>();
    for (int i = 0; i < watches; i++) {
      EventRecorder recorder = new EventRecorder();
      store.watch("/many/" + i + "/", 0, recorder);
      recorders.add(recorder);
    }
    EventRecorder all = new EventRecorder();
    store.watch("/many/", 0, all);
    for (int i = 0; i < watches; i++) {
      put("/many/" + i + "/a", "v");
      put("/many/" + i + "/b", "v");
    }
    all.await(2 * watches);
    for (int i = 0; i < watches; i++) {
      assertEquals(List.of(2L * i + 1, 2L * i + 2), recorders.get(i).revisions(), "watch " + i);
    }
  }

  @Test
  void closedStoreRefusesWatches() {
    store.close();
    assertThrows(IllegalStateException.class, () -> store.watch("/", 0, new EventRecorder()));
  }
}
