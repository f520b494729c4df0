/**
 * The StatefulSet controller, as kube-controller-manager's {@code pkg/controller/statefulset}: pods
 * with stable names and ordinals created and deleted in order ({@code OrderedReady}) or at once
 * ({@code Parallel}), rolling updates from the highest ordinal down to the partition, and the set's
 * revision history in ControllerRevisions. Entry point:
 * {@link io.gantry.control.server.controller.statefulset.StatefulSetController}.
 */
package io.gantry.control.server.controller.statefulset;
