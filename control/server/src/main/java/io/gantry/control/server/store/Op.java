package io.gantry.control.server.store;

import java.util.Objects;

/**
 * A write inside a transaction.
 *
 * @param type  put or delete
 * @param key   the key
 * @param value the value for a put, null for a delete
 */
public record Op(Type type, String key, byte[] value) {

  public enum Type { PUT, DELETE }

  public Op {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    if (type == Type.PUT) {
      Objects.requireNonNull(value, "value");
    }
  }

  public static Op put(String key, byte[] value) {
    return new Op(Type.PUT, key, value);
  }

  public static Op delete(String key) {
    return new Op(Type.DELETE, key, null);
  }
}
