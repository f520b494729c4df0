package io.gantry.control.server.store;

import java.util.Objects;

/**
 * One stored key with its value and revisions.
 *
 * @param key            the key
 * @param value          the value bytes; callers must not modify them
 * @param createRevision the revision that created the key
 * @param modRevision    the revision that last wrote the key (for a deletion event: the deletion's)
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {
  public KeyValue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
