/**
 * The DaemonSet controller ({@link io.gantry.control.server.controller.daemon.DaemonSetController}), as
 * kube-controller-manager's daemon controller: one pod per node that should run it
 * ({@link io.gantry.control.server.controller.daemon.DaemonPods}), the decisions of a sync as pure
 * functions ({@link io.gantry.control.server.controller.daemon.DaemonSetSync}), RollingUpdate and OnDelete,
 * ControllerRevisions as its history.
 */
package io.gantry.control.server.controller.daemon;
