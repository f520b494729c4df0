package io.gantry.control.server.store.sqlite;

import io.gantry.control.server.store.CompactedException;
import io.gantry.control.server.store.Compare;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.Op;
import io.gantry.control.server.store.RangeResult;
import io.gantry.control.server.store.Store;
import io.gantry.control.server.store.TxnResult;
import io.gantry.control.server.store.Watch;
import io.gantry.control.server.store.WatchEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The embedded {@link Store}: a single SQLite file in WAL mode.
 *
 * <p>Durability: a {@link #txn} is one SQLite transaction committed before it returns. With the
 * default {@link SqliteOptions.Synchronous#NORMAL} an acknowledged write survives the process being
 * killed; surviving power loss needs {@link SqliteOptions.Synchronous#FULL}.
 *
 * <p>Concurrency: writes and compaction are serialized by one lock around one writer connection;
 * the in-memory revision counters change only under that lock, right after the commit, and the
 * events of a revision are handed to the {@link WatchDispatcher} under it too, so the dispatcher
 * sees revisions in order. Reads use a pool of other connections and never take the lock. A watch
 * from a past revision reads history without the lock, then takes the lock briefly to read what
 * was committed meanwhile and to register with the dispatcher; that point splits replay from live
 * delivery, so nothing is missed or delivered twice.
 *
 * <p>Lifecycle: {@link #open} takes an exclusive lock on {@code <db>.lock}; {@link #close} waits
 * for the write in progress, drains the dispatcher and closes the connections.
 */
public final class SqliteStore implements Store {

  private final Path dbFile;
  private final FileLock fileLock;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final WriteSession writer;
  private final ReadPool readers;
  private final WatchDispatcher dispatcher;
  private volatile long revision;
  private volatile long compactedRevision;
  private volatile boolean closed;

  private SqliteStore(Path dbFile, FileLock fileLock, WriteSession writer, ReadPool readers, Revisions revisions) {
    this.dbFile = dbFile;
    this.fileLock = fileLock;
    this.writer = writer;
    this.readers = readers;
    this.revision = revisions.current();
    this.compactedRevision = revisions.compacted();
    this.dispatcher = new WatchDispatcher("gantry-store-watch-" + dbFile.getFileName());
  }

  /** Opens (creating it and its parent directories when missing) the store at {@code dbFile}. */
  public static SqliteStore open(Path dbFile) {
    return open(dbFile, SqliteOptions.defaults());
  }

  /** Opens the store at {@code dbFile} with {@code options}. */
  public static SqliteStore open(Path dbFile, SqliteOptions options) {
    Objects.requireNonNull(dbFile, "dbFile");
    Objects.requireNonNull(options, "options");
    Path file = dbFile.toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory for store " + file, e);
    }
    FileLock lock = FileLock.acquire(file);
    Connection writeConnection = null;
    try {
      writeConnection = Connections.open(file, options, false);
      Schema.ensure(writeConnection);
      Revisions revisions = Revisions.read(writeConnection);
      WriteSession session = new WriteSession(writeConnection);
      ReadPool readers = ReadPool.open(file, options);
      return new SqliteStore(file, lock, session, readers, revisions);
    } catch (SQLException | RuntimeException e) {
      if (writeConnection != null) {
        try {
          writeConnection.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      lock.close();
      if (e instanceof SQLException sql) {
        throw new SqliteStoreException("cannot open store " + file + ": " + sql.getMessage(), sql);
      }
      throw (RuntimeException) e;
    }
  }

  @Override
  public long currentRevision() {
    return revision;
  }

  @Override
  public long compactedRevision() {
    return compactedRevision;
  }

  @Override
  public Optional<KeyValue> get(String key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    try {
      return readers.inSnapshot(c -> KvQueries.get(c, key));
    } catch (SQLException e) {
      throw failure("get " + key, e);
    }
  }

  @Override
  public RangeResult range(String prefix, String startAfter, int limit) {
    try {
      return range(prefix, startAfter, limit, 0);
    } catch (CompactedException e) {
      throw new AssertionError("the current revision is never compacted", e);
    }
  }

  @Override
  public RangeResult range(String prefix, String startAfter, int limit, long revision) throws CompactedException {
    Objects.requireNonNull(prefix, "prefix");
    if (limit < 0) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0, 0 for no limit)");
    }
    requireRevision(revision);
    checkOpen();
    try {
      return readers.inSnapshot(c -> KvQueries.range(c, prefix, startAfter, limit, revision));
    } catch (SQLException e) {
      throw failure("range " + prefix, e);
    }
  }

  @Override
  public long count(String prefix, String startAfter, long revision) throws CompactedException {
    Objects.requireNonNull(prefix, "prefix");
    requireRevision(revision);
    checkOpen();
    try {
      return readers.inSnapshot(c -> KvQueries.count(c, prefix, startAfter, revision));
    } catch (SQLException e) {
      throw failure("count " + prefix, e);
    }
  }

  private static void requireRevision(long revision) {
    if (revision < 0) {
      throw new IllegalArgumentException("revision: " + revision + " (expected: >= 0, 0 for the current one)");
    }
  }

  @Override
  public TxnResult txn(List<Compare> compares, List<Op> ops) {
    validate(compares, ops);
    writeLock.lock();
    try {
      checkOpen();
      WriteSession.Applied applied = writer.apply(compares, ops, revision);
      if (!applied.events().isEmpty()) {
        revision = applied.result().revision();
        dispatcher.publish(applied.events());
      }
      return applied.result();
    } catch (SQLException e) {
      throw failure("txn", e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public Watch watch(String prefix, long fromRevision, Consumer<WatchEvent> listener) throws CompactedException {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(listener, "listener");
    if (fromRevision < 0) {
      throw new IllegalArgumentException("fromRevision: " + fromRevision + " (expected: >= 0, 0 for now)");
    }
    checkOpen();
    Watcher watcher = new Watcher(prefix, fromRevision, listener, dispatcher.closeHook());
    if (fromRevision == 0) {
      writeLock.lock();
      try {
        checkOpen();
        dispatcher.start(watcher, List.of(), revision);
      } finally {
        writeLock.unlock();
      }
      return watcher;
    }
    HistorySnapshot snapshot = readHistory(prefix, fromRevision);
    writeLock.lock();
    try {
      checkOpen();
      List<WatchEvent> history = snapshot.events();
      if (revision > snapshot.revision()) {
        // Writes committed since the snapshot; compaction cannot run while we hold the lock.
        if (compactedRevision > snapshot.revision()) {
          throw new CompactedException(snapshot.revision() + 1, compactedRevision);
        }
        history = new ArrayList<>(history);
        history.addAll(HistoryQueries.read(writer.connection(), prefix, snapshot.revision() + 1));
      }
      dispatcher.start(watcher, history, revision);
    } catch (SQLException e) {
      throw failure("watch " + prefix + " from " + fromRevision, e);
    } finally {
      writeLock.unlock();
    }
    return watcher;
  }

  /** History under a prefix read in one snapshot, with the revisions of that snapshot. */
  private record HistorySnapshot(Revisions revisions, List<WatchEvent> events) {
    long revision() {
      return revisions.current();
    }
  }

  private HistorySnapshot readHistory(String prefix, long fromRevision) throws CompactedException {
    if (fromRevision <= compactedRevision) {
      throw new CompactedException(fromRevision, compactedRevision);
    }
    HistorySnapshot snapshot;
    try {
      snapshot = readers.inSnapshot(c -> {
        Revisions revisions = Revisions.read(c);
        return fromRevision <= revisions.compacted()
            ? new HistorySnapshot(revisions, List.of())
            : new HistorySnapshot(revisions, HistoryQueries.read(c, prefix, fromRevision));
      });
    } catch (SQLException e) {
      throw failure("watch " + prefix + " from " + fromRevision, e);
    }
    // Compaction may have committed between the check above and the snapshot.
    if (fromRevision <= snapshot.revisions().compacted()) {
      throw new CompactedException(fromRevision, snapshot.revisions().compacted());
    }
    return snapshot;
  }

  @Override
  public void compact(long revision) {
    writeLock.lock();
    try {
      checkOpen();
      if (revision < 0 || revision > this.revision) {
        throw new IllegalArgumentException(
            "revision: " + revision + " (expected: 0 to the current revision " + this.revision + ")");
      }
      if (revision <= compactedRevision) {
        return;
      }
      writer.compact(revision);
      compactedRevision = revision;
    } catch (SQLException e) {
      throw failure("compact to " + revision, e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      writeLock.unlock();
    }
    dispatcher.close();
    readers.close();
    try {
      writer.close();
    } catch (SQLException e) {
      throw failure("close", e);
    } finally {
      fileLock.close();
    }
  }

  @Override
  public String toString() {
    return "SqliteStore{" + dbFile + ", revision=" + revision + ", compacted=" + compactedRevision + '}';
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store " + dbFile + " is closed");
    }
  }

  private static void validate(List<Compare> compares, List<Op> ops) {
    Objects.requireNonNull(compares, "compares");
    Objects.requireNonNull(ops, "ops");
    for (Compare compare : compares) {
      Objects.requireNonNull(compare, "compares contains null");
    }
    Set<String> keys = new HashSet<>();
    for (Op op : ops) {
      Objects.requireNonNull(op, "ops contains null");
      Keys.requireValid(op.key(), "op key");
      if (!keys.add(op.key())) {
        throw new IllegalArgumentException("ops: two ops on key " + op.key() + " (expected: at most one per key)");
      }
    }
  }

  private SqliteStoreException failure(String what, SQLException e) {
    return new SqliteStoreException(what + " failed on " + dbFile + ": " + e.getMessage(), e);
  }
}
