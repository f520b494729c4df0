package io.gantry.control.server.store.sqlite;

import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.RangeResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reads of the {@code kv} table: one key, or a page of a prefix walked along the primary key. */
final class KvQueries {
  private KvQueries() {}

  static Optional<KeyValue> get(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT value, create_revision, mod_revision FROM kv WHERE key = ?")) {
      ps.setBytes(1, Keys.encode(key));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new KeyValue(key, rs.getBytes(1), rs.getLong(2), rs.getLong(3)))
            : Optional.empty();
      }
    }
  }

  /** Call inside a snapshot so that the page and its revision agree. */
  static RangeResult range(Connection c, String prefix, String startAfter, int limit) throws SQLException {
    byte[] low = Keys.encode(prefix);
    boolean lowInclusive = true;
    if (startAfter != null) {
      byte[] after = Keys.encode(startAfter);
      if (Arrays.compareUnsigned(after, low) >= 0) {
        low = after;
        lowInclusive = false;
      }
    }
    byte[] high = Keys.prefixEnd(Keys.encode(prefix));
    String sql = "SELECT key, value, create_revision, mod_revision FROM kv WHERE key "
        + (lowInclusive ? ">=" : ">") + " ?" + (high == null ? "" : " AND key < ?")
        + " ORDER BY key LIMIT ?";
    long revision = Revisions.read(c).current();
    List<KeyValue> kvs = new ArrayList<>();
    boolean more = false;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setBytes(i++, low);
      if (high != null) {
        ps.setBytes(i++, high);
      }
      // One row past the page tells whether there are more; -1 is SQLite's "no limit".
      ps.setLong(i, limit == 0 ? -1 : limit + 1L);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (limit != 0 && kvs.size() == limit) {
            more = true;
            break;
          }
          kvs.add(new KeyValue(Keys.decode(rs.getBytes(1)), rs.getBytes(2), rs.getLong(3), rs.getLong(4)));
        }
      }
    }
    return new RangeResult(kvs, revision, more);
  }
}
