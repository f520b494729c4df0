package io.gantry.control.server.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gantry.control.server.store.KeyValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a writing child JVM with SIGKILL and checks that every acknowledged write survived. */
class SqliteStoreCrashTest {
  private static final int ACKS_BEFORE_KILL = 400;

  @TempDir Path dir;

  @Test
  void acknowledgedWritesSurviveKillDashNine() throws Exception {
    Path db = dir.resolve("crash/store.db");
    Path stderr = dir.resolve("child.err");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), CrashWriterMain.class.getName(), db.toString())
        .redirectError(stderr.toFile())
        .start();
    List<long[]> acks = new ArrayList<>();
    try {
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
        readAcks(out, acks, ACKS_BEFORE_KILL, stderr);
        assertTrue(child.isAlive(), "the child is still writing when killed");
        // SIGKILL via the handle: Process.destroyForcibly would also close our end of the pipe.
        assertTrue(child.toHandle().destroyForcibly(), "kill was not sent");
        assertTrue(child.waitFor(10, TimeUnit.SECONDS), "child did not die");
        assertEquals(128 + 9, child.exitValue(), "the child died of SIGKILL");
        // Lines already in the pipe were acknowledged before the kill too.
        readAcks(out, acks, Integer.MAX_VALUE, stderr);
      });
    } finally {
      child.destroyForcibly();
    }

    assertTrue(acks.size() >= ACKS_BEFORE_KILL, "acks: " + acks.size());
    try (SqliteStore store = SqliteStore.open(db)) {
      long lastAcked = acks.getLast()[1];
      assertTrue(store.currentRevision() >= lastAcked,
          "revision " + store.currentRevision() + " is behind the last acknowledged " + lastAcked);
      for (long[] ack : acks) {
        String key = "/crash/" + ack[0];
        KeyValue kv = store.get(key).orElseThrow(() -> new AssertionError("acknowledged " + key + " is missing"));
        assertEquals("v" + ack[0], new String(kv.value(), UTF_8), key);
        assertEquals(ack[1], kv.modRevision(), key);
      }
      // The store is usable after the crash: the next write takes the next revision.
      long before = store.currentRevision();
      assertEquals(before + 1, store.create("/after-crash", "x".getBytes(UTF_8)).revision());
    }
  }

  /** Reads {@code ACK <i> <revision>} lines until {@code limit} acks or end of stream. */
  private static void readAcks(BufferedReader out, List<long[]> acks, int limit, Path stderr) throws IOException {
    String line;
    while (acks.size() < limit && (line = out.readLine()) != null) {
      if (line.startsWith("ACK ")) {
        String[] parts = line.split(" ");
        acks.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
      }
    }
    if (acks.size() < limit && limit != Integer.MAX_VALUE) {
      fail("child stopped after " + acks.size() + " acks; stderr:\n" + Files.readString(stderr));
    }
  }
}
