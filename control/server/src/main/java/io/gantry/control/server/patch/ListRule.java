package io.gantry.control.server.patch;

import java.util.Objects;

/**
 * How a strategic merge patch merges one list field ({@code patchStrategy:"merge"} in the Go types):
 * lists of objects by the value of their {@code patchMergeKey}, lists of scalars as an ordered set.
 * Lists without a rule are atomic: the patch replaces them whole.
 *
 * @param mergeKey the member that identifies an element, or empty for a list of scalars
 */
public record ListRule(String mergeKey) {

  /** A list of scalars merged as a set, such as {@code metadata.finalizers}. */
  public static final ListRule SCALAR_SET = new ListRule("");

  public ListRule {
    Objects.requireNonNull(mergeKey, "mergeKey");
  }

  /** A list of objects merged by {@code mergeKey}, such as containers by {@code name}. */
  public static ListRule byKey(String mergeKey) {
    if (mergeKey.isEmpty()) {
      throw new IllegalArgumentException("mergeKey: \"\" (expected: a member name; use SCALAR_SET for scalars)");
    }
    return new ListRule(mergeKey);
  }

  /** Whether elements are objects identified by {@link #mergeKey()}. */
  public boolean keyed() {
    return !mergeKey.isEmpty();
  }
}
