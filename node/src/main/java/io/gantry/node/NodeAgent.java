package io.gantry.node;

import static java.util.Objects.requireNonNull;

import io.gantry.node.api.KubeClient;
import io.gantry.node.pod.PodManager;
import io.gantry.node.registration.MachineInfo;
import io.gantry.node.registration.NodeRegistrar;
import io.gantry.node.server.NodeServer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node agent: registers the Node and heartbeats through its Lease ({@link NodeRegistrar}),
 * runs the pods bound to the node as processes ({@link PodManager}; in loopback mode, or in a
 * network namespace per pod in host mode) and serves their logs on its own HTTP endpoint
 * ({@link NodeServer}), with {@code exec} and {@code port-forward}.
 *
 * <p>Lifecycle: {@link #start} returns once the endpoint listens and the first heartbeat is
 * scheduled; {@link #close} stops the heartbeat, then stops every pod process (SIGTERM, then
 * SIGKILL) so that nothing outlives the agent; the Node object stays, and the node lifecycle
 * controller marks it Unknown once the Lease expires.
 */
public final class NodeAgent implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);

  private final NodeAgentConfig config;
  private final NodeServer server;
  private final NodeRegistrar registrar;
  private final PodManager pods;

  private NodeAgent(NodeAgentConfig config, NodeServer server, NodeRegistrar registrar, PodManager pods) {
    this.config = config;
    this.server = server;
    this.registrar = registrar;
    this.pods = pods;
  }

  /** Starts an agent that talks to the API through {@code api} (the agent does not close it). */
  public static NodeAgent start(NodeAgentConfig config, KubeClient api) throws IOException {
    requireNonNull(config, "config");
    requireNonNull(api, "api");
    Files.createDirectories(config.dataDir());
    PodManager pods = new PodManager(api, config, Clock.systemUTC());
    // host mode: connect the pod network namespace prefix (ip netns exec gp-<uid12>) here
    NodeServer server = NodeServer.start(config, pods, api.bearerToken());
    NodeRegistrar registrar;
    try {
      registrar = new NodeRegistrar(api, config, MachineInfo.detect(), server.port(), pods::podCidrAssigned,
          Clock.systemUTC());
      pods.start();
      registrar.start();
    } catch (RuntimeException e) {
      server.close();
      pods.close();
      throw e;
    }
    log.info("node {}: agent started (address {}, data {}, endpoint port {})", config.nodeName(),
        config.nodeAddress(), config.dataDir(), server.port());
    return new NodeAgent(config, server, registrar, pods);
  }

  public NodeAgentConfig config() {
    return config;
  }

  /** The node's pod CIDR once the control component allocated it, else null. */
  public String podCidr() {
    return registrar.podCidr();
  }

  /** The port of the agent's own HTTP endpoint (logs). */
  public int serverPort() {
    return server.port();
  }

  /** Healthy: the last heartbeat is younger than the Lease duration. */
  public boolean ready() {
    return registrar.lastHeartbeat().plusSeconds(config.leaseDuration()).isAfter(java.time.Instant.now());
  }

  /** Prometheus text: pods, containers, restarts, heartbeat age. */
  public String metrics() {
    PodManager.Stats stats = pods.stats();
    String label = "{node=\"" + config.nodeName() + "\"}";
    java.time.Instant beat = registrar.lastHeartbeat();
    double age = beat.equals(java.time.Instant.EPOCH) ? -1
        : java.time.Duration.between(beat, java.time.Instant.now()).toMillis() / 1000.0;
    return gauge("gantry_node_pods", "Pods bound to this node that the agent runs.", label, stats.pods())
        + gauge("gantry_node_containers_running", "Containers whose process runs.", label, stats.runningContainers())
        + gauge("gantry_node_containers_ready", "Running containers that are ready.", label, stats.readyContainers())
        + gauge("gantry_node_container_restarts", "Sum of the restart counts of the pods' containers.", label,
            stats.restarts())
        + gauge("gantry_node_heartbeat_age_seconds", "Seconds since the last Lease renewal (-1: never).", label, age);
  }

  private static String gauge(String name, String help, String labels, double value) {
    String number = value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    return "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + labels + " " + number + "\n";
  }

  /** A JSON summary for the admin port's {@code /status}. */
  public String status() {
    PodManager.Stats stats = pods.stats();
    String cidr = podCidr();
    return "{\"node\":\"" + config.nodeName() + "\",\"address\":\"" + config.nodeAddress() + "\",\"podCIDR\":"
        + (cidr == null ? "null" : "\"" + cidr + "\"") + ",\"pods\":" + stats.pods() + ",\"ready\":" + ready() + "}";
  }

  @Override
  public void close() {
    registrar.close();
    pods.close();
    server.close();
    log.info("node {}: agent stopped", config.nodeName());
  }
}
