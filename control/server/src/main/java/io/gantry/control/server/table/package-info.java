/**
 * Server-side Table output for {@code kubectl get}: {@link io.gantry.control.server.table.TableConverter}
 * turns stored objects into a {@code meta.k8s.io/v1 Table} with the columns and cell strings
 * kube-apiserver's printers ({@code pkg/printers/internalversion/printers.go}) give each kind, one
 * {@code XxxColumns} class per kind behind {@link io.gantry.control.server.table.ColumnSets}, and ages
 * from {@link io.gantry.control.server.table.HumanDuration}. Pure functions over Jackson trees; the
 * caller supplies the clock.
 */
package io.gantry.control.server.table;
