package io.gantry.control.server.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * Opens connections to the store file with the store's pragmas. Connections stay in autocommit
 * mode; callers bracket multi-statement work with explicit {@code BEGIN}/{@code COMMIT} because the
 * driver would otherwise open a transaction eagerly after every commit.
 */
final class Connections {
  private Connections() {}

  static Connection open(Path dbFile, SqliteOptions options, boolean queryOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(switch (options.synchronous()) {
      case NORMAL -> SQLiteConfig.SynchronousMode.NORMAL;
      case FULL -> SQLiteConfig.SynchronousMode.FULL;
    });
    config.setBusyTimeout((int) options.busyTimeout().toMillis());
    Connection c = config.createConnection("jdbc:sqlite:" + dbFile.toAbsolutePath());
    if (queryOnly) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only = ON");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    }
    return c;
  }
}
