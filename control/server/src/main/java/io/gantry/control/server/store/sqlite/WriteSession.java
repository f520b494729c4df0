package io.gantry.control.server.store.sqlite;

import io.gantry.control.server.store.Compare;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.Op;
import io.gantry.control.server.store.TxnResult;
import io.gantry.control.server.store.WatchEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The single writer connection and its prepared statements. Each {@link #apply} is one SQLite
 * transaction that is committed (or rolled back) before it returns.
 *
 * <p>Concurrency: not thread-safe; only the holder of {@link SqliteStore}'s write lock uses it.
 */
final class WriteSession implements AutoCloseable {

  /** What a transaction did: the caller's answer and the events to hand to watches. */
  record Applied(TxnResult result, List<WatchEvent> events) {}

  private final Connection connection;
  private final Statement control;
  private final PreparedStatement selectKv;
  private final PreparedStatement upsertKv;
  private final PreparedStatement deleteKv;
  private final PreparedStatement insertHistory;
  private final PreparedStatement setRevision;
  private final PreparedStatement deleteHistory;
  private final PreparedStatement setCompacted;

  WriteSession(Connection connection) throws SQLException {
    this.connection = connection;
    this.control = connection.createStatement();
    this.selectKv = connection.prepareStatement(
        "SELECT value, create_revision, mod_revision FROM kv WHERE key = ?");
    this.upsertKv = connection.prepareStatement(
        "INSERT INTO kv (key, value, create_revision, mod_revision) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (key) DO UPDATE SET value = excluded.value, mod_revision = excluded.mod_revision");
    this.deleteKv = connection.prepareStatement("DELETE FROM kv WHERE key = ?");
    this.insertHistory = connection.prepareStatement(
        "INSERT INTO history (revision, seq, key, value, create_revision, prev_value, prev_mod_revision)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)");
    this.setRevision = connection.prepareStatement("UPDATE meta SET revision = ? WHERE id = 0");
    this.deleteHistory = connection.prepareStatement("DELETE FROM history WHERE revision <= ?");
    this.setCompacted = connection.prepareStatement("UPDATE meta SET compacted_revision = ? WHERE id = 0");
  }

  Connection connection() {
    return connection;
  }

  /**
   * Checks {@code compares} and applies {@code ops} at {@code currentRevision + 1}. The revision
   * only advances when at least one key changes (deleting an absent key changes nothing), as etcd.
   */
  Applied apply(List<Compare> compares, List<Op> ops, long currentRevision) throws SQLException {
    control.execute("BEGIN IMMEDIATE");
    try {
      Applied applied = applyInTransaction(compares, ops, currentRevision);
      // Nothing to keep when a compare failed or no key changed; the revision stays put.
      control.execute(applied.events().isEmpty() ? "ROLLBACK" : "COMMIT");
      return applied;
    } catch (SQLException | RuntimeException e) {
      rollbackAfter(e);
      throw e;
    }
  }

  /** Deletes history up to and including {@code revision} and records it as compacted. */
  void compact(long revision) throws SQLException {
    control.execute("BEGIN IMMEDIATE");
    try {
      deleteHistory.setLong(1, revision);
      deleteHistory.executeUpdate();
      setCompacted.setLong(1, revision);
      setCompacted.executeUpdate();
      control.execute("COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollbackAfter(e);
      throw e;
    }
  }

  private Applied applyInTransaction(List<Compare> compares, List<Op> ops, long currentRevision)
      throws SQLException {
    for (Compare compare : compares) {
      Optional<KeyValue> actual = select(compare.key());
      long actualModRevision = actual.map(KeyValue::modRevision).orElse(0L);
      if (actualModRevision != compare.expectedModRevision()) {
        return new Applied(new TxnResult(false, currentRevision, List.of(), compare.key(), actual), List.of());
      }
    }
    long revision = currentRevision + 1;
    List<KeyValue> written = new ArrayList<>(ops.size());
    List<WatchEvent> events = new ArrayList<>(ops.size());
    for (Op op : ops) {
      KeyValue prev = select(op.key()).orElse(null);
      WatchEvent event = op.type() == Op.Type.PUT ? put(op, prev, revision) : delete(prev, revision);
      if (event != null) {
        writeHistory(revision, events.size(), event);
        events.add(event);
        written.add(event.kv());
      }
    }
    if (events.isEmpty()) {
      return new Applied(new TxnResult(true, currentRevision, List.of(), null, Optional.empty()), List.of());
    }
    setRevision.setLong(1, revision);
    setRevision.executeUpdate();
    return new Applied(new TxnResult(true, revision, written, null, Optional.empty()), List.copyOf(events));
  }

  /** Ends a failed transaction; SQLite may already have rolled it back, which is not news. */
  private void rollbackAfter(Exception cause) {
    try {
      control.execute("ROLLBACK");
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private WatchEvent put(Op op, KeyValue prev, long revision) throws SQLException {
    // Copy so that a caller reusing its array cannot change what watches see later.
    byte[] value = op.value().clone();
    long createRevision = prev == null ? revision : prev.createRevision();
    upsertKv.setBytes(1, Keys.encode(op.key()));
    upsertKv.setBytes(2, value);
    upsertKv.setLong(3, createRevision);
    upsertKv.setLong(4, revision);
    upsertKv.executeUpdate();
    return new WatchEvent(WatchEvent.Type.PUT, new KeyValue(op.key(), value, createRevision, revision), prev);
  }

  private WatchEvent delete(KeyValue prev, long revision) throws SQLException {
    if (prev == null) {
      return null;
    }
    deleteKv.setBytes(1, Keys.encode(prev.key()));
    deleteKv.executeUpdate();
    KeyValue tombstone = new KeyValue(prev.key(), prev.value(), prev.createRevision(), revision);
    return new WatchEvent(WatchEvent.Type.DELETE, tombstone, prev);
  }

  private void writeHistory(long revision, int seq, WatchEvent event) throws SQLException {
    KeyValue prev = event.prevKv();
    insertHistory.setLong(1, revision);
    insertHistory.setInt(2, seq);
    insertHistory.setBytes(3, Keys.encode(event.kv().key()));
    insertHistory.setBytes(4, event.type() == WatchEvent.Type.PUT ? event.kv().value() : null);
    insertHistory.setLong(5, event.kv().createRevision());
    insertHistory.setBytes(6, prev == null ? null : prev.value());
    if (prev == null) {
      insertHistory.setNull(7, Types.INTEGER);
    } else {
      insertHistory.setLong(7, prev.modRevision());
    }
    insertHistory.executeUpdate();
  }

  private Optional<KeyValue> select(String key) throws SQLException {
    selectKv.setBytes(1, Keys.encode(key));
    try (ResultSet rs = selectKv.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      return Optional.of(new KeyValue(key, rs.getBytes(1), rs.getLong(2), rs.getLong(3)));
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
