package io.gantry.control.server.store.sqlite;

import static io.gantry.control.server.store.sqlite.SqliteStoreTxnTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.server.store.CompactedException;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.RangeResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreRangeTest {
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

  private void createAll(String... keys) {
    for (String key : keys) {
      assertTrue(store.create(key, bytes(key)).succeeded(), key);
    }
  }

  private static List<String> keys(RangeResult r) {
    return r.kvs().stream().map(KeyValue::key).toList();
  }

  @Test
  void prefixDoesNotMatchSiblingsThatShareItsText() {
    createAll("/a/bc", "/a/b/2", "/a/b", "/a/c", "/a/b/1", "/a/b/", "/a/b0");

    assertEquals(List.of("/a/b/", "/a/b/1", "/a/b/2"), keys(store.range("/a/b/", null, 0)));
    assertEquals(List.of("/a/b", "/a/b/", "/a/b/1", "/a/b/2", "/a/b0", "/a/bc"), keys(store.range("/a/b", null, 0)));
  }

  @Test
  void emptyPrefixReturnsEverythingInKeyOrder() {
    createAll("/z", "/a", "/m");
    RangeResult r = store.range("", null, 0);
    assertEquals(List.of("/a", "/m", "/z"), keys(r));
    assertFalse(r.more());
  }

  @Test
  void pagesWithStartAfterAndLimitCoverTheRangeOnce() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add("/p/" + i);
    }
    createAll(all.toArray(String[]::new));
    createAll("/o", "/q");

    List<String> seen = new ArrayList<>();
    List<Boolean> mores = new ArrayList<>();
    String after = null;
    while (true) {
      RangeResult page = store.range("/p/", after, 3);
      seen.addAll(keys(page));
      mores.add(page.more());
      if (!page.more()) {
        break;
      }
      after = page.kvs().getLast().key();
    }
    assertEquals(all, seen);
    assertEquals(List.of(true, true, true, false), mores);
  }

  @Test
  void fullLastPageSaysNoMore() {
    createAll("/p/1", "/p/2", "/p/3", "/q");
    RangeResult r = store.range("/p/", null, 3);
    assertEquals(3, r.kvs().size());
    assertFalse(r.more());
    RangeResult shorter = store.range("/p/", null, 2);
    assertTrue(shorter.more());
  }

  @Test
  void startAfterBeforeThePrefixIsIgnoredAndAfterItIsEmpty() {
    createAll("/a", "/p/1", "/p/2", "/z");
    assertEquals(List.of("/p/1", "/p/2"), keys(store.range("/p/", "/a", 0)));
    assertEquals(List.of("/p/2"), keys(store.range("/p/", "/p/1", 0)));
    assertEquals(List.of(), keys(store.range("/p/", "/p/2", 0)));
    assertEquals(List.of(), keys(store.range("/p/", "/q", 0)));
  }

  @Test
  void orderIsUtf8ByteOrderNotUtf16Order() {
    // U+FFFD is EF BF BD in UTF-8 and U+1F600 is F0 9F 98 80: bytes put the emoji last, while
    // String.compareTo puts it first (surrogate D83D < FFFD).
    String replacement = "/u/\uFFFD";
    String emoji = "/u/\uD83D\uDE00";
    createAll(emoji, replacement);
    assertEquals(List.of(replacement, emoji), keys(store.range("/u/", null, 0)));
    assertEquals(List.of(emoji), keys(store.range("/u/", replacement, 0)));
  }

  @Test
  void rangeReportsTheStoreRevisionAndCurrentValues() {
    createAll("/a", "/b");
    store.update("/a", bytes("new"), 1);
    RangeResult r = store.range("/", null, 0);
    assertEquals(3, r.revision());
    assertEquals(3, r.kvs().get(0).modRevision());
    assertEquals(1, r.kvs().get(0).createRevision());
    assertEquals(2, r.kvs().get(1).modRevision());
  }

  @Test
  void negativeLimitIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.range("/", null, -1));
    assertTrue(e.getMessage().startsWith("limit: -1"), e.getMessage());
  }

  @Test
  void aPastRevisionShowsTheKeysAsTheyWereThen() throws Exception {
    createAll("/p/a", "/p/b", "/p/c", "/q"); // revisions 1 to 4
    long then = store.currentRevision();
    store.update("/p/b", bytes("b2"), 2); // 5
    store.delete("/p/c", 3); // 6
    createAll("/p/d"); // 7
    store.delete("/p/a", 1); // 8
    createAll("/p/a"); // 9, again
    store.update("/p/b", bytes("b3"), 5); // 10

    RangeResult past = store.range("/p/", null, 0, then);
    assertEquals(then, past.revision());
    assertEquals(List.of("/p/a", "/p/b", "/p/c"), keys(past));
    assertEquals(List.of("/p/a", "/p/b", "/p/c"),
        past.kvs().stream().map(kv -> new String(kv.value(), java.nio.charset.StandardCharsets.UTF_8)).toList());
    assertEquals(List.of(1L, 2L, 3L), past.kvs().stream().map(KeyValue::modRevision).toList());
    assertEquals(List.of(1L, 2L, 3L), past.kvs().stream().map(KeyValue::createRevision).toList());
    assertEquals(3, store.count("/p/", null, then));

    RangeResult now = store.range("/p/", null, 0, 0);
    assertEquals(List.of("/p/a", "/p/b", "/p/d"), keys(now));
    assertEquals(List.of(9L, 10L, 7L), now.kvs().stream().map(KeyValue::modRevision).toList());
    assertEquals(10, now.revision());

    RangeResult middle = store.range("/p/", null, 0, 7);
    assertEquals(List.of("/p/a", "/p/b", "/p/d"), keys(middle));
    assertEquals(List.of(1L, 5L, 7L), middle.kvs().stream().map(KeyValue::modRevision).toList());
  }

  @Test
  void pagesAtAPastRevisionCoverItsKeysOnceWhateverChangesMeanwhile() throws Exception {
    for (int i = 0; i < 10; i++) {
      createAll("/p/" + i);
    }
    long then = store.currentRevision();
    List<String> seen = new ArrayList<>();
    List<Long> remaining = new ArrayList<>();
    String after = null;
    int round = 0;
    while (true) {
      RangeResult page = store.range("/p/", after, 3, then);
      seen.addAll(keys(page));
      remaining.add(store.count("/p/", page.kvs().getLast().key(), then));
      if (!page.more()) {
        break;
      }
      after = page.kvs().getLast().key();
      // between pages: one key deleted, one created, one changed, both before and after the cursor
      store.delete("/p/" + round * 3, store.get("/p/" + round * 3).orElseThrow().modRevision());
      createAll("/p/" + round + "x");
      store.update("/p/9", bytes("changed" + round), store.get("/p/9").orElseThrow().modRevision());
      round++;
    }
    assertEquals(List.of("/p/0", "/p/1", "/p/2", "/p/3", "/p/4", "/p/5", "/p/6", "/p/7", "/p/8", "/p/9"), seen);
    assertEquals(List.of(7L, 4L, 1L, 0L), remaining);
    assertEquals("/p/9", new String(store.range("/p/9", null, 0, then).kvs().getFirst().value(),
        java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aCompactedRevisionCannotBeReadButTheCompactedOneCan() throws Exception {
    createAll("/p/a", "/p/b", "/p/c");
    store.update("/p/a", bytes("a2"), 1); // 4
    store.compact(2);
    assertThrows(CompactedException.class, () -> store.range("/p/", null, 0, 1));
    assertThrows(CompactedException.class, () -> store.count("/p/", null, 1));
    assertEquals(List.of("/p/a", "/p/b"), keys(store.range("/p/", null, 0, 2)));
    assertEquals(List.of(1L, 2L), store.range("/p/", null, 0, 2).kvs().stream().map(KeyValue::modRevision).toList());
  }

  @Test
  void aRevisionTheStoreHasNotReachedIsRefused() {
    createAll("/p/a");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.range("/p/", null, 0, 2));
    assertTrue(e.getMessage().contains("revision 2 is in the future"), e.getMessage());
  }
}
