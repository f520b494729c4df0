/**
 * Kubernetes' streaming protocols on the agent side: {@link io.gantry.node.stream.StreamUpgrades}
 * switches a connection to WebSocket or SPDY/3.1; exec is a {@link io.gantry.node.stream.ExecSession}
 * carried by {@code WebSocketExecHandler} or {@code SpdyExecHandler} around an {@code ExecProcess},
 * and attach an {@code AttachSession} carried the same ways around a running container;
 * port-forward is {@code SpdyPortForwardHandler} (raw or tunneled in WebSocket) with one
 * {@code PortForwardStream} per forwarded connection. Exec'ed commands run behind the pod
 * network's command prefix, so in host mode they enter the pod's network namespace.
 */
package io.gantry.node.stream;
