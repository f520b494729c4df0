package io.gantry.control.server.store.sqlite;

import static io.gantry.control.server.store.sqlite.SqliteStoreTxnTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
