package io.gantry.control.server.store;

import java.util.Objects;

/**
 * A condition of a transaction on one key's modification revision; {@code 0} means the key is absent.
 *
 * @param key                 the key
 * @param expectedModRevision the revision the key must have been last written at, or 0 for absent
 */
public record Compare(String key, long expectedModRevision) {
  public Compare {
    Objects.requireNonNull(key, "key");
    if (expectedModRevision < 0) {
      throw new IllegalArgumentException("expectedModRevision: " + expectedModRevision + " (expected: >= 0)");
    }
  }

  public static Compare absent(String key) {
    return new Compare(key, 0);
  }

  public static Compare modRevision(String key, long revision) {
    return new Compare(key, revision);
  }
}
