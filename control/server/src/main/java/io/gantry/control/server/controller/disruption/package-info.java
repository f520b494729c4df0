/**
 * PodDisruptionBudgets' status: {@link io.gantry.control.server.controller.disruption.DisruptionController}
 * counts the healthy pods each budget selects, as kube-controller-manager's disruption controller does.
 */
package io.gantry.control.server.controller.disruption;
