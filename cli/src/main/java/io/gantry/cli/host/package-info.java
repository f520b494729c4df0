/**
 * Host mode of {@code gantry up}: {@link io.gantry.cli.host.HostNetwork} builds the underlay bridge
 * and a network namespace per node from a {@link io.gantry.cli.host.HostPlan};
 * {@link io.gantry.cli.host.HostNodes} runs each node's agent and proxy in its namespace;
 * {@link io.gantry.cli.host.PodRoutes} routes pod CIDRs between nodes from the Node objects; and
 * {@link io.gantry.cli.host.ClusterDnsService} points the cluster DNS Service at the DNS daemon.
 */
package io.gantry.cli.host;
