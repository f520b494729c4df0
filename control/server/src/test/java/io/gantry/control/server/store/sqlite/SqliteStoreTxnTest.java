package io.gantry.control.server.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.server.store.Compare;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.Op;
import io.gantry.control.server.store.TxnResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTxnTest {
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

  static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  static String text(KeyValue kv) {
    return new String(kv.value(), UTF_8);
  }

  /** {@code key=value@createRevision/modRevision}, for comparing whole key-values. */
  static String describe(KeyValue kv) {
    return kv.key() + "=" + text(kv) + "@" + kv.createRevision() + "/" + kv.modRevision();
  }

  @Test
  void emptyStoreIsAtRevisionZero() {
    assertEquals(0, store.currentRevision());
    assertEquals(0, store.compactedRevision());
    assertTrue(store.get("/a").isEmpty());
  }

  @Test
  void eachSuccessfulTxnAdvancesRevisionByOne() {
    assertEquals(1, store.create("/a", bytes("1")).revision());
    assertEquals(2, store.create("/b", bytes("1")).revision());
    TxnResult update = store.update("/a", bytes("2"), 1);
    assertTrue(update.succeeded());
    assertEquals(3, update.revision());
    assertEquals(3, store.currentRevision());

    KeyValue a = store.get("/a").orElseThrow();
    assertEquals("2", text(a));
    assertEquals(1, a.createRevision());
    assertEquals(3, a.modRevision());
    assertEquals(List.of("/a=2@1/3"), update.written().stream().map(SqliteStoreTxnTest::describe).toList());
  }

  @Test
  void multiOpTxnAppliesAllOpsAtOneRevision() {
    store.create("/c", bytes("old"));
    TxnResult r = store.txn(List.of(Compare.absent("/a"), Compare.modRevision("/c", 1)),
        List.of(Op.put("/a", bytes("A")), Op.put("/b", bytes("B")), Op.delete("/c")));

    assertTrue(r.succeeded());
    assertEquals(2, r.revision());
    assertEquals(List.of("/a", "/b", "/c"), r.written().stream().map(KeyValue::key).toList());
    assertTrue(r.written().stream().allMatch(kv -> kv.modRevision() == 2));
    assertEquals("old", text(r.written().get(2)), "a deleted key is reported with the value it had");
    assertEquals(1, r.written().get(2).createRevision());
    assertEquals(2, store.get("/a").orElseThrow().modRevision());
    assertEquals(2, store.get("/b").orElseThrow().modRevision());
    assertTrue(store.get("/c").isEmpty());
    assertEquals(2, store.currentRevision());
  }

  @Test
  void createOnExistingKeyFailsAndReportsActual() {
    store.create("/a", bytes("1"));
    TxnResult r = store.create("/a", bytes("2"));

    assertFalse(r.succeeded());
    assertEquals(1, r.revision());
    assertEquals("/a", r.failedKey());
    assertEquals("1", text(r.failedActual().orElseThrow()));
    assertTrue(r.written().isEmpty());
    assertEquals("1", text(store.get("/a").orElseThrow()));
    assertEquals(1, store.currentRevision());
  }

  @Test
  void updateWithStaleModRevisionFails() {
    store.create("/a", bytes("1"));
    store.update("/a", bytes("2"), 1);
    TxnResult r = store.update("/a", bytes("3"), 1);

    assertFalse(r.succeeded());
    assertEquals(2, r.failedActual().orElseThrow().modRevision());
    assertEquals("2", text(store.get("/a").orElseThrow()));
    assertEquals(2, store.currentRevision());
  }

  @Test
  void deleteOfMissingKeyFailsItsCompare() {
    TxnResult r = store.delete("/missing", 1);

    assertFalse(r.succeeded());
    assertEquals("/missing", r.failedKey());
    assertEquals(Optional.empty(), r.failedActual());
    assertEquals(0, store.currentRevision());
  }

  @Test
  void failedSecondCompareWritesNothing() {
    store.create("/a", bytes("1"));
    TxnResult r = store.txn(List.of(Compare.modRevision("/a", 1), Compare.absent("/a")),
        List.of(Op.put("/b", bytes("B")), Op.delete("/a")));

    assertFalse(r.succeeded());
    assertEquals("/a", r.failedKey());
    assertTrue(store.get("/b").isEmpty());
    assertTrue(store.get("/a").isPresent());
    assertEquals(1, store.currentRevision());
    assertEquals(2, store.create("/c", bytes("C")).revision(), "the failed txn did not use up a revision");
  }

  @Test
  void deletingAnAbsentKeyChangesNothingAndKeepsTheRevision() {
    store.create("/a", bytes("1"));
    TxnResult r = store.txn(List.of(), List.of(Op.delete("/absent")));

    assertTrue(r.succeeded());
    assertEquals(1, r.revision());
    assertTrue(r.written().isEmpty());
    assertEquals(1, store.currentRevision());
  }

  @Test
  void twoOpsOnOneKeyAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> store.txn(List.of(), List.of(Op.put("/a", bytes("1")), Op.delete("/a"))));
    assertTrue(e.getMessage().contains("/a"), e.getMessage());
    assertEquals(0, store.currentRevision());
  }

  @Test
  void storedValueIsIndependentOfCallersArray() {
    byte[] value = bytes("original");
    store.create("/a", value);
    value[0] = 'X';
    assertEquals("original", text(store.get("/a").orElseThrow()));
  }

  @Test
  void closedStoreRejectsCalls() {
    store.close();
    assertThrows(IllegalStateException.class, () -> store.create("/a", bytes("1")));
    assertThrows(IllegalStateException.class, () -> store.get("/a"));
  }

  /**
   * Threads increment counters with read-then-CAS loops; a lost update would leave a counter short,
   * and every successful write must have got its own revision with none skipped.
   */
  @Test
  void concurrentCasUpdatesLoseNothingAndRevisionsAreDense() throws Exception {
    int threads = 8;
    int incrementsPerThread = 150;
    List<String> keys = List.of("/n/0", "/n/1", "/n/2");
    List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < incrementsPerThread; i++) {
            String key = keys.get((seed + i) % keys.size());
            while (true) {
              Optional<KeyValue> current = store.get(key);
              TxnResult r = current.isEmpty()
                  ? store.create(key, bytes("1"))
                  : store.update(key, bytes(Integer.toString(Integer.parseInt(text(current.get())) + 1)),
                      current.get().modRevision());
              if (r.succeeded()) {
                revisions.add(r.revision());
                break;
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    int total = threads * incrementsPerThread;
    int sum = 0;
    for (String key : keys) {
      sum += Integer.parseInt(text(store.get(key).orElseThrow()));
    }
    assertEquals(total, sum, "every acknowledged increment is in the counters");
    List<Long> sorted = new ArrayList<>(revisions);
    Collections.sort(sorted);
    List<Long> expected = new ArrayList<>();
    for (long r = 1; r <= total; r++) {
      expected.add(r);
    }
    assertEquals(expected, sorted, "revisions are unique and dense");
    assertEquals(total, store.currentRevision());
  }

  @Test
  void readsReturnBytesAsWritten() {
    byte[] value = new byte[256];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) i;
    }
    store.create("/bin", value);
    assertArrayEquals(value, store.get("/bin").orElseThrow().value());
  }
}
