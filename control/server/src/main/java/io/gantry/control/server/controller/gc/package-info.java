/**
 * Ownership: {@link io.gantry.control.server.controller.gc.OwnerReferences} (reading and editing
 * {@code ownerReferences}), {@link io.gantry.control.server.controller.gc.ControllerRefManager}
 * (adoption and release by label selector, shared by the workload controllers) and
 * {@link io.gantry.control.server.controller.gc.GarbageCollector} (deleting dependents of vanished
 * owners, orphaning dependents of owners deleted with {@code propagationPolicy: Orphan}).
 */
package io.gantry.control.server.controller.gc;
