package io.gantry.control.server.registry;

import io.gantry.control.server.store.Compare;
import io.gantry.control.server.store.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares and ops a {@link WritePlugin} adds to an object's write transaction.
 *
 * @param compares conditions that must hold
 * @param ops      writes to apply with the object
 */
public record TxnParts(List<Compare> compares, List<Op> ops) {

  public static final TxnParts NONE = new TxnParts(List.of(), List.of());

  public TxnParts {
    compares = List.copyOf(compares);
    ops = List.copyOf(ops);
  }

  public TxnParts plus(TxnParts other) {
    if (other.compares.isEmpty() && other.ops.isEmpty()) {
      return this;
    }
    List<Compare> c = new ArrayList<>(compares);
    c.addAll(other.compares);
    List<Op> o = new ArrayList<>(ops);
    o.addAll(other.ops);
    return new TxnParts(c, o);
  }

  /** {@code first} compare and op, then these: the object's own write comes first in the result. */
  TxnParts after(Compare first, Op op) {
    List<Compare> c = new ArrayList<>();
    c.add(first);
    c.addAll(compares);
    List<Op> o = new ArrayList<>();
    o.add(op);
    o.addAll(ops);
    return new TxnParts(c, o);
  }
}
