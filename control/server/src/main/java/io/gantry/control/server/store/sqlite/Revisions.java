package io.gantry.control.server.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The {@code meta} row: the latest revision and the compacted one.
 *
 * @param current   the revision of the latest committed write
 * @param compacted the revision up to which history has been discarded
 */
record Revisions(long current, long compacted) {

  static Revisions read(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT revision, compacted_revision FROM meta WHERE id = 0")) {
      if (!rs.next()) {
        throw new SQLException("meta row missing; the file is not a Gantry store");
      }
      return new Revisions(rs.getLong(1), rs.getLong(2));
    }
  }
}
