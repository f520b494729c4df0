package io.gantry.control.server.store.sqlite;

/** SQLite failed underneath a {@link SqliteStore} operation; the message says which and on what file. */
public final class SqliteStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SqliteStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
