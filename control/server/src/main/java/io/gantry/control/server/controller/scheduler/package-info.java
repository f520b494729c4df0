/**
 * The default scheduler, as kube-scheduler's default profile reduced to what Gantry needs:
 * {@link io.gantry.control.server.controller.scheduler.Scheduler} (the controller: informers,
 * queue, binding, unschedulable status and events), {@link
 * io.gantry.control.server.controller.scheduler.SchedulingAlgorithm} (filters and spreading score
 * over a snapshot of {@link io.gantry.control.server.controller.scheduler.NodeInfo}), {@link
 * io.gantry.control.server.controller.scheduler.NodeFilters} (NodeUnschedulable, TaintToleration,
 * NodeAffinity, NodePorts, NodeResourcesFit), {@link
 * io.gantry.control.server.controller.scheduler.PodTopologySpread} (with {@link
 * io.gantry.control.server.controller.scheduler.SpreadConstraint}), {@link
 * io.gantry.control.server.controller.scheduler.InterPodAffinity} and the helpers they rest on: {@link
 * io.gantry.control.server.controller.scheduler.Quantity}, {@link
 * io.gantry.control.server.controller.scheduler.PodRequests}, {@link
 * io.gantry.control.server.controller.scheduler.Tolerations}, {@link
 * io.gantry.control.server.controller.scheduler.EventRecorder}.
 */
package io.gantry.control.server.controller.scheduler;
