package io.gantry.control.server.store;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of a transaction.
 *
 * @param succeeded    whether every compare held and the ops were applied
 * @param revision     the new revision when applied, else the current revision
 * @param written      the keys as written by the ops (a deleted key appears with the value it had
 *                     and the deletion's revision), in op order; empty when not applied
 * @param failedKey    the key of the first compare that failed, when not applied
 * @param failedActual that key's current value when it exists
 */
public record TxnResult(boolean succeeded, long revision, List<KeyValue> written, String failedKey,
    Optional<KeyValue> failedActual) {
  public TxnResult {
    written = List.copyOf(written);
  }
}
