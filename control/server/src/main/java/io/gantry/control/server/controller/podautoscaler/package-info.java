/**
 * kube-controller-manager's horizontal-pod-autoscaler controller, as far as a cluster without a metrics API
 * can run it: {@link io.gantry.control.server.controller.podautoscaler.HorizontalPodAutoscalerController#start}
 * keeps each autoscaler's status and holds its target within the replica bounds.
 */
package io.gantry.control.server.controller.podautoscaler;
