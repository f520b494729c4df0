/**
 * The agent's own HTTP endpoint on Netty ({@link io.gantry.node.server.NodeServer}), which the API
 * server relays {@code kubectl logs}, {@code exec} and {@code port-forward} to: it routes logs to
 * {@link io.gantry.node.server.LogRequests} and upgrades to {@link io.gantry.node.stream}.
 */
package io.gantry.node.server;
