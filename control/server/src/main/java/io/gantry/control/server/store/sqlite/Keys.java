package io.gantry.control.server.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys are stored as UTF-8 BLOBs so that SQLite's memcmp ordering is the byte order of the key
 * strings, and a prefix becomes the half-open range {@code [prefix, prefixEnd(prefix))}.
 */
final class Keys {
  private Keys() {}

  static byte[] encode(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  static String decode(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }

  /**
   * The smallest byte string greater than every string starting with {@code prefix}, or null when
   * there is none (empty prefix, or all bytes 0xFF).
   */
  static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }

  static void requireValid(String key, String name) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException(name + ": \"\" (expected: a non-empty key)");
    }
  }
}
