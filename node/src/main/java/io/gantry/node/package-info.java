/**
 * The node agent ({@code gantry node}): {@link io.gantry.node.NodeAgent} registers the Node,
 * heartbeats through its Lease, and runs the pods bound to the node as processes with their own
 * addresses (loopback mode, or a network namespace per pod in host mode), probes, restarts, logs
 * and Kubernetes pod status. Feature packages: {@code api} (a small Kubernetes REST client),
 * {@code registration}, {@code pod}, {@code probe}, {@code network} (the pod network of each mode,
 * behind {@code PodNetwork}), {@code ipam}, {@code logs}, {@code server} (the agent's HTTP
 * endpoint), {@code stream} (exec and port-forward protocols), and {@code workloads} (the built-in
 * images' main classes).
 */
package io.gantry.node;
