/**
 * The node lifecycle controller: {@link
 * io.gantry.control.server.controller.nodelifecycle.NodeLifecycleController} watches node
 * heartbeats (Leases in {@code kube-node-lease} and the Ready condition), marks silent nodes
 * Unknown, keeps the {@code unreachable}/{@code not-ready} taints in line with readiness, marks the
 * pods of unready nodes not ready and evicts them after {@code podEvictionTimeout}.
 */
package io.gantry.control.server.controller.nodelifecycle;
