package io.gantry.control.server.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The control component's storage SPI, shaped like etcd's v3 API so that an etcd implementation
 * can replace the embedded one without touching callers.
 *
 * <p>Every successful write (a whole {@link #txn} counts as one) advances a single global
 * revision by one. Each key carries the revision that created it and the revision that last
 * modified it; compare-and-swap compares the latter. Watches replay history from any revision
 * newer than the compacted one and then follow live writes, in revision order, with no gaps.
 *
 * <p>Concurrency: all methods are thread-safe. Writes may block on disk I/O and must not be
 * called from an event loop. Watch callbacks run on a store-owned thread in revision order and
 * must not block.
 */
public interface Store extends AutoCloseable {

  /** The revision of the latest write (0 for an empty store). */
  long currentRevision();

  /** The oldest revision from which a watch can still start is {@code compactedRevision() + 1}. */
  long compactedRevision();

  /** The current value of one key. */
  Optional<KeyValue> get(String key);

  /**
   * Keys starting with {@code prefix}, in key order, strictly after {@code startAfter} (null for
   * the first page), at most {@code limit} of them ({@code 0} for no limit).
   */
  RangeResult range(String prefix, String startAfter, int limit);

  /**
   * As {@link #range}, but the keys as they were at {@code revision} ({@code 0} for the current
   * one), as etcd's range with a revision: a paged list reads every page at its first page's
   * revision.
   *
   * @throws CompactedException if history older than {@code revision} has been compacted
   * @throws IllegalArgumentException if the store has not reached {@code revision}
   */
  RangeResult range(String prefix, String startAfter, int limit, long revision) throws CompactedException;

  /**
   * How many keys start with {@code prefix} and sort after {@code startAfter} (null for all) at
   * {@code revision} ({@code 0} for the current one), as etcd's count-only range.
   *
   * @throws CompactedException if history older than {@code revision} has been compacted
   * @throws IllegalArgumentException if the store has not reached {@code revision}
   */
  long count(String prefix, String startAfter, long revision) throws CompactedException;

  /**
   * Applies {@code ops} atomically if every compare holds, at one new revision. When a compare
   * fails nothing is written and the result says which compare failed.
   */
  TxnResult txn(List<Compare> compares, List<Op> ops);

  /**
   * Streams every write to a key under {@code prefix} with a revision greater than or equal to
   * {@code fromRevision} ({@code 0} for "from now on"), first from history, then live.
   *
   * @throws CompactedException if {@code fromRevision} is at or below the compacted revision
   */
  Watch watch(String prefix, long fromRevision, Consumer<WatchEvent> listener) throws CompactedException;

  /** Discards history up to and including {@code revision}; current values are kept. */
  void compact(long revision);

  @Override
  void close();

  /** Creates {@code key} if it does not exist. */
  default TxnResult create(String key, byte[] value) {
    return txn(List.of(Compare.absent(key)), List.of(Op.put(key, value)));
  }

  /** Replaces {@code key} if its modification revision is still {@code expectedModRevision}. */
  default TxnResult update(String key, byte[] value, long expectedModRevision) {
    return txn(List.of(Compare.modRevision(key, expectedModRevision)), List.of(Op.put(key, value)));
  }

  /** Deletes {@code key} if its modification revision is still {@code expectedModRevision}. */
  default TxnResult delete(String key, long expectedModRevision) {
    return txn(List.of(Compare.modRevision(key, expectedModRevision)), List.of(Op.delete(key)));
  }
}
