/**
 * Field ownership for server-side apply, as kube-apiserver keeps it (structured-merge-diff):
 * every write records which field manager owns which fields in {@code metadata.managedFields}
 * ({@code FieldsV1} sets), an apply that changes a field another manager owns is a conflict
 * unless forced, and an applier that stops applying a field removes it unless someone else owns it.
 * Entry points: {@link io.gantry.control.server.managedfields.FieldManager#apply} and
 * {@link io.gantry.control.server.managedfields.FieldManager#update}; the sets are
 * {@link io.gantry.control.server.managedfields.FieldSet}s computed by
 * {@link io.gantry.control.server.managedfields.ObjectFields}.
 */
package io.gantry.control.server.managedfields;
