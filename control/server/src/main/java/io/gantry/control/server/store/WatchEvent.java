package io.gantry.control.server.store;

import java.util.Objects;

/**
 * One write seen by a watch.
 *
 * @param type   put or delete
 * @param kv     the key as written; for a delete, the last value with {@code modRevision} set to
 *               the deletion's revision
 * @param prevKv the value before this write, or null when the key did not exist
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prevKv) {

  public enum Type { PUT, DELETE }

  public WatchEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(kv, "kv");
  }

  public long revision() {
    return kv.modRevision();
  }
}
