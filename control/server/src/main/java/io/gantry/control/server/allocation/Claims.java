package io.gantry.control.server.allocation;

import io.gantry.control.server.registry.TxnParts;
import io.gantry.control.server.store.Compare;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.Op;
import io.gantry.control.server.store.Store;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reservations one object write takes and gives back, collected as the compares and ops of
 * that write's transaction: a claim is "key absent, then put", a release is "key unchanged, then
 * delete". When another writer wins a slot first the transaction fails and the registry runs the
 * plugin again from a fresh read.
 *
 * <p>Concurrency: confined to the request thread that builds one write.
 */
final class Claims {

  /** Who holds a slot now. */
  enum Holder { NOBODY, THIS_OBJECT, ANOTHER }

  private final Store store;
  private final Owner owner;
  private final List<Compare> compares = new ArrayList<>();
  private final List<Op> ops = new ArrayList<>();
  private final Map<String, Set<Integer>> used = new HashMap<>();

  Claims(Store store, Owner owner) {
    this.store = store;
    this.owner = owner;
  }

  Holder holder(Pool pool, int slot) {
    Optional<KeyValue> current = store.get(pool.key(slot));
    if (current.isEmpty()) {
      return Holder.NOBODY;
    }
    Optional<Owner> stored = Owner.decode(current.get().value());
    return stored.isPresent() && owner.holds(stored.get()) ? Holder.THIS_OBJECT : Holder.ANOTHER;
  }

  /** Reserves a free slot for this object; the write fails (and is retried) if it is taken meanwhile. */
  void claim(Pool pool, int slot) {
    String key = pool.key(slot);
    compares.add(Compare.absent(key));
    ops.add(Op.put(key, owner.encode()));
    used(pool).add(slot);
  }

  /**
   * Keeps a slot the object already records: reserves it again when no reservation exists (one lost
   * or never made, as for objects stored before allocators existed); leaves another holder alone.
   */
  void keep(Pool pool, int slot) {
    if (used(pool).contains(slot)) {
      return;
    }
    if (holder(pool, slot) == Holder.NOBODY) {
      claim(pool, slot);
    } else {
      used(pool).add(slot);
    }
  }

  /** Gives a slot back if this object holds it, in the same transaction as the write. */
  void release(Pool pool, int slot) {
    Optional<KeyValue> current = store.get(pool.key(slot));
    if (current.isEmpty()) {
      return;
    }
    Optional<Owner> stored = Owner.decode(current.get().value());
    if (stored.isPresent() && owner.holds(stored.get())) {
      compares.add(Compare.modRevision(current.get().key(), current.get().modRevision()));
      ops.add(Op.delete(current.get().key()));
    }
  }

  /** Claims a free slot chosen by the pool; -1 (and nothing claimed) when the pool is full. */
  int allocate(Pool pool) {
    int slot = pool.allocate(store, used(pool));
    if (slot >= 0) {
      claim(pool, slot);
    }
    return slot;
  }

  /** Slots this write already claimed or keeps in a pool. */
  Set<Integer> used(Pool pool) {
    return used.computeIfAbsent(pool.name(), k -> new HashSet<>());
  }

  TxnParts parts() {
    return compares.isEmpty() && ops.isEmpty() ? TxnParts.NONE : new TxnParts(compares, ops);
  }
}
