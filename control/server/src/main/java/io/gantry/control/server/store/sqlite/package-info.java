/**
 * The embedded {@link io.gantry.control.server.store.Store}: one SQLite file in WAL mode holding
 * the current keys, a history log for watches and the revision counters. The entry point is
 * {@link io.gantry.control.server.store.sqlite.SqliteStore#open(java.nio.file.Path)}; durability
 * is tuned with {@link io.gantry.control.server.store.sqlite.SqliteOptions}. Everything else here
 * is package-private machinery: the write session, the read connections, the history queries and
 * the watch dispatcher.
 */
package io.gantry.control.server.store.sqlite;
