package io.gantry.control.server.store.sqlite;

import io.gantry.control.server.store.CompactedException;
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

/** Reads of keys: one key, or a page of a prefix walked in key order, now or at an older revision. */
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

  /**
   * A page of the keys under {@code prefix} after {@code startAfter} as they were at
   * {@code revision} ({@code 0} for the current one). Call inside a snapshot so that the page and
   * its revision agree.
   */
  static RangeResult range(Connection c, String prefix, String startAfter, int limit, long revision)
      throws SQLException, CompactedException {
    Revisions revisions = Revisions.read(c);
    long at = checkRevision(revisions, revision);
    KeysAt keys = new KeysAt(prefix, startAfter, at, revisions.current());
    List<KeyValue> kvs = new ArrayList<>();
    boolean more = false;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT key, value, create_revision, mod_revision FROM (" + keys.sql() + ") ORDER BY key LIMIT ?")) {
      int next = keys.bind(ps);
      // One row past the page tells whether there are more; -1 is SQLite's "no limit".
      ps.setLong(next, limit == 0 ? -1 : limit + 1L);
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
    return new RangeResult(kvs, at, more);
  }

  /** How many keys {@link #range} would return without a limit. Call inside a snapshot. */
  static long count(Connection c, String prefix, String startAfter, long revision)
      throws SQLException, CompactedException {
    Revisions revisions = Revisions.read(c);
    KeysAt keys = new KeysAt(prefix, startAfter, checkRevision(revisions, revision), revisions.current());
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (" + keys.sql() + ")")) {
      keys.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The revision to read at: the current one for 0, else one that history still reaches. */
  private static long checkRevision(Revisions revisions, long revision) throws CompactedException {
    if (revision > revisions.current()) {
      throw new IllegalArgumentException("revision " + revision + " is in the future (current revision: "
          + revisions.current() + ")");
    }
    if (revision != 0 && revision < revisions.compacted()) {
      throw new CompactedException(revision, revisions.compacted());
    }
    return revision == 0 ? revisions.current() : revision;
  }

  /**
   * The rows of a key range at a revision, as one SQL source. At the current revision that is the
   * {@code kv} table; at an older one it is the keys unchanged since, plus, for each key changed
   * since, the value its first later change replaced (none when that change created the key).
   */
  private static final class KeysAt {
    private final byte[] low;
    private final boolean lowInclusive;
    private final byte[] high;
    private final long revision;
    private final boolean past;

    KeysAt(String prefix, String startAfter, long revision, long current) {
      byte[] low = Keys.encode(prefix);
      boolean lowInclusive = true;
      if (startAfter != null) {
        byte[] after = Keys.encode(startAfter);
        if (Arrays.compareUnsigned(after, low) >= 0) {
          low = after;
          lowInclusive = false;
        }
      }
      this.low = low;
      this.lowInclusive = lowInclusive;
      this.high = Keys.prefixEnd(Keys.encode(prefix));
      this.revision = revision;
      this.past = revision < current;
    }

    String sql() {
      String bounds = "key " + (lowInclusive ? ">=" : ">") + " ?" + (high == null ? "" : " AND key < ?");
      String kv = "SELECT key, value, create_revision, mod_revision FROM kv WHERE " + bounds;
      if (!past) {
        return kv;
      }
      return kv + " AND mod_revision <= ?"
          + " UNION ALL SELECT key, prev_value, create_revision, prev_mod_revision FROM ("
          + "SELECT key, prev_value, create_revision, prev_mod_revision,"
          + " row_number() OVER (PARTITION BY key ORDER BY revision) AS n"
          + " FROM history WHERE revision > ? AND " + bounds + ")"
          + " WHERE n = 1 AND prev_value IS NOT NULL";
    }

    /** Binds the parameters of {@link #sql} and returns the index of the next one. */
    int bind(PreparedStatement ps) throws SQLException {
      int i = bindBounds(ps, 1);
      if (past) {
        ps.setLong(i++, revision);
        ps.setLong(i++, revision);
        i = bindBounds(ps, i);
      }
      return i;
    }

    private int bindBounds(PreparedStatement ps, int from) throws SQLException {
      int i = from;
      ps.setBytes(i++, low);
      if (high != null) {
        ps.setBytes(i++, high);
      }
      return i;
    }
  }
}
