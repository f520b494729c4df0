package io.gantry.control.server.managedfields;

/**
 * What a write changed, at the granularity of field sets: fields that appeared, leaf values that
 * changed, fields that disappeared.
 */
record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {

  boolean isEmpty() {
    return added.isEmpty() && modified.isEmpty() && removed.isEmpty();
  }

  /** The fields whose value the writer set: added or modified. */
  FieldSet changed() {
    return added.union(modified);
  }
}
