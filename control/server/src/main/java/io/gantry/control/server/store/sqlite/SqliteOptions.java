package io.gantry.control.server.store.sqlite;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning for {@link SqliteStore}.
 *
 * @param synchronous     how hard a commit pushes to disk before {@code txn} returns
 * @param busyTimeout     how long a connection waits for a lock held by another connection
 * @param readConnections how many connections serve {@code get} and {@code range} concurrently
 */
public record SqliteOptions(Synchronous synchronous, Duration busyTimeout, int readConnections) {

  /** SQLite's {@code PRAGMA synchronous} levels that make sense in WAL mode. */
  public enum Synchronous {
    /**
     * Commits reach the operating system before {@code txn} returns, not the disk: an
     * acknowledged write survives the process being killed, but the newest writes can be lost
     * (without corrupting the file) if the machine loses power.
     */
    NORMAL,
    /** Every commit is fsync'ed before {@code txn} returns: survives power loss, writes slower. */
    FULL
  }

  public SqliteOptions {
    Objects.requireNonNull(synchronous, "synchronous");
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("busyTimeout: " + busyTimeout + " (expected: 0 to " + Integer.MAX_VALUE + " ms)");
    }
    if (readConnections < 1 || readConnections > 64) {
      throw new IllegalArgumentException("readConnections: " + readConnections + " (expected: 1 to 64)");
    }
  }

  /** {@link Synchronous#NORMAL}, a 5 s busy timeout and 4 read connections. */
  public static SqliteOptions defaults() {
    return new SqliteOptions(Synchronous.NORMAL, Duration.ofSeconds(5), 4);
  }

  public SqliteOptions withSynchronous(Synchronous synchronous) {
    return new SqliteOptions(synchronous, busyTimeout, readConnections);
  }

  public SqliteOptions withBusyTimeout(Duration busyTimeout) {
    return new SqliteOptions(synchronous, busyTimeout, readConnections);
  }

  public SqliteOptions withReadConnections(int readConnections) {
    return new SqliteOptions(synchronous, busyTimeout, readConnections);
  }
}
