/**
 * The storage SPI ({@link io.gantry.control.server.store.Store}), shaped like etcd's: a global
 * revision per write, ranges by key prefix, compare-and-swap transactions on a key's revision,
 * and watches from a revision with compaction. {@code sqlite} holds the embedded default.
 */
package io.gantry.control.server.store;
