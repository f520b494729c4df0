package io.gantry.control.server.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates and checks the store's tables.
 *
 * <ul>
 *   <li>{@code kv}: the current value of every key, with a unique index on the key (UTF-8 bytes)
 *       that serves gets and prefix ranges.
 *   <li>{@code history}: one row per changed key per revision, with a unique index on
 *       (revision, seq); a delete keeps the last value in {@code prev_value} and has a null
 *       {@code value}.
 *   <li>{@code meta}: a single row with the current and the compacted revision.
 * </ul>
 */
final class Schema {
  static final int VERSION = 1;

  // Rowid tables on purpose: WITHOUT ROWID would copy whole rows (values of kilobytes) into the
  // interior b-tree pages, multiplying the pages each commit writes.
  private static final String[] DDL = {
    """
    CREATE TABLE IF NOT EXISTS kv (
      key BLOB NOT NULL UNIQUE,
      value BLOB NOT NULL,
      create_revision INTEGER NOT NULL,
      mod_revision INTEGER NOT NULL
    )""",
    """
    CREATE TABLE IF NOT EXISTS history (
      revision INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      key BLOB NOT NULL,
      value BLOB,
      create_revision INTEGER NOT NULL,
      prev_value BLOB,
      prev_mod_revision INTEGER,
      UNIQUE (revision, seq)
    )""",
    """
    CREATE TABLE IF NOT EXISTS meta (
      id INTEGER PRIMARY KEY CHECK (id = 0),
      revision INTEGER NOT NULL,
      compacted_revision INTEGER NOT NULL
    )""",
    "INSERT OR IGNORE INTO meta (id, revision, compacted_revision) VALUES (0, 0, 0)",
  };

  private Schema() {}

  /** Creates missing tables in one transaction and refuses files written by a newer schema. */
  static void ensure(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      try {
        int version;
        try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
          version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > VERSION) {
          throw new SQLException("schema version " + version + " (expected: <= " + VERSION
              + "); the file was written by a newer Gantry");
        }
        for (String ddl : DDL) {
          s.execute(ddl);
        }
        s.execute("PRAGMA user_version = " + VERSION);
        s.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        s.execute("ROLLBACK");
        throw e;
      }
    }
  }
}
