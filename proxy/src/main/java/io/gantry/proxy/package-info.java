/**
 * The per-node service proxy: serves ClusterIPs, NodePorts, LoadBalancer IPs and external IPs
 * over TCP and UDP, balancing over a service's endpoints with Kubernetes semantics. Entry points:
 * {@link io.gantry.proxy.ProxyServer} (the daemon: listeners, data paths, drain, metrics) fed by
 * {@link io.gantry.proxy.source.StaticManifestSource} (a folder of YAML) or
 * {@link io.gantry.proxy.source.ControlSource} (the DataPlane stream). The routing table lives in
 * {@code table}, the pickers in {@code balance}, the data paths in {@code tcp} and {@code udp}, the
 * {@code healthCheckNodePort} servers in {@code health}.
 */
package io.gantry.proxy;
