package io.gantry.control.server.store.sqlite;

import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.WatchEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Turns {@code history} rows back into {@link WatchEvent}s for watch replay. */
final class HistoryQueries {
  private HistoryQueries() {}

  /** Every event under {@code prefix} with revision >= {@code fromRevision}, in revision order. */
  static List<WatchEvent> read(Connection c, String prefix, long fromRevision) throws SQLException {
    byte[] start = Keys.encode(prefix);
    byte[] end = Keys.prefixEnd(start);
    String sql = "SELECT revision, key, value, create_revision, prev_value, prev_mod_revision FROM history"
        + " WHERE revision >= ? AND key >= ?" + (end == null ? "" : " AND key < ?")
        + " ORDER BY revision, seq";
    List<WatchEvent> events = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, fromRevision);
      ps.setBytes(2, start);
      if (end != null) {
        ps.setBytes(3, end);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(toEvent(rs));
        }
      }
    }
    return events;
  }

  private static WatchEvent toEvent(ResultSet rs) throws SQLException {
    long revision = rs.getLong(1);
    String key = Keys.decode(rs.getBytes(2));
    byte[] value = rs.getBytes(3);
    long createRevision = rs.getLong(4);
    byte[] prevValue = rs.getBytes(5);
    long prevModRevision = rs.getLong(6);
    KeyValue prev = prevValue == null ? null : new KeyValue(key, prevValue, createRevision, prevModRevision);
    if (value == null) {
      return new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(key, prevValue, createRevision, revision), prev);
    }
    return new WatchEvent(WatchEvent.Type.PUT, new KeyValue(key, value, createRevision, revision), prev);
  }
}
