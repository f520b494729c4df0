package io.gantry.control.server.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of query-only connections. WAL mode lets them read while the writer commits; each
 * {@link #inSnapshot} call sees one consistent snapshot of the file.
 *
 * <p>Concurrency: thread-safe. A connection is used by one borrower at a time. After
 * {@link #close}, idle connections are closed at once and borrowed ones when they come back.
 */
final class ReadPool implements AutoCloseable {

  /** Work on a borrowed connection, which may also fail with {@code X}. */
  interface Read<T, X extends Exception> {
    T run(Connection c) throws SQLException, X;
  }

  private final BlockingQueue<Connection> idle;
  private volatile boolean closed;

  private ReadPool(List<Connection> connections) {
    this.idle = new ArrayBlockingQueue<>(connections.size(), false, connections);
  }

  static ReadPool open(Path dbFile, SqliteOptions options) throws SQLException {
    List<Connection> connections = new ArrayList<>(options.readConnections());
    try {
      for (int i = 0; i < options.readConnections(); i++) {
        connections.add(Connections.open(dbFile, options, true));
      }
    } catch (SQLException e) {
      for (Connection c : connections) {
        try {
          c.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return new ReadPool(connections);
  }

  /** Runs {@code read} inside one read transaction so that all its queries see the same revision. */
  <T, X extends Exception> T inSnapshot(Read<T, X> read) throws SQLException, X {
    Connection c = borrow();
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN");
      try {
        return read.run(c);
      } finally {
        // Ends the snapshot so that checkpoints are not held back by an idle connection.
        s.execute("COMMIT");
      }
    } finally {
      release(c);
    }
  }

  private Connection borrow() {
    try {
      while (!closed) {
        Connection c = idle.poll(100, TimeUnit.MILLISECONDS);
        if (c != null) {
          return c;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a read connection", e);
    }
    throw new IllegalStateException("store is closed");
  }

  private void release(Connection c) {
    idle.add(c);
    if (closed) {
      closeIdle();
    }
  }

  private void closeIdle() {
    Connection c;
    while ((c = idle.poll()) != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Closing at shutdown; nothing left to do with a connection that will not close.
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    closeIdle();
  }
}
