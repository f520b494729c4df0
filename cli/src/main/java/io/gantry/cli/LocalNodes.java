package io.gantry.cli;

import io.gantry.control.server.ControlServer;
import io.gantry.node.NodeAgent;
import io.gantry.node.NodeAgentConfig;
import io.gantry.node.api.KubeClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The node agents of {@code gantry up --nodes N}, in-process and in loopback mode: {@code node-i}
 * with address {@code 127.0.0.(10+i)}, its data under {@code <dataDir>/nodes/node-i}, its HTTP
 * endpoint on a free port of its own address; all share one API client.
 */
final class LocalNodes implements AutoCloseable {

  private final KubeClient api;
  private final List<NodeAgent> agents;

  private LocalNodes(KubeClient api, List<NodeAgent> agents) {
    this.api = api;
    this.agents = agents;
  }

  /**
   * Starts {@code count} agents; their heartbeat is the kubelet's 10 s, or a quarter of
   * {@code nodeMonitorGracePeriod} when that is shorter, so a live node is never marked Unknown.
   */
  static LocalNodes start(ControlServer server, int count, Duration nodeMonitorGracePeriod) throws IOException {
    Duration heartbeat = heartbeat(nodeMonitorGracePeriod);
    KubeClient api = KubeClient.create(URI.create(server.url()),
        server.url().startsWith("https") ? server.certificates().caCertificatePem() : null, server.token().value());
    List<NodeAgent> agents = new ArrayList<>();
    try {
      for (int i = 1; i <= count; i++) {
        String name = "node-" + i;
        agents.add(NodeAgent.start(NodeAgentConfig.builder(name, "127.0." + (10 + i) / 256 + "." + (10 + i) % 256,
            server.dataDir().resolve("nodes").resolve(name)).heartbeatInterval(heartbeat).build(), api));
      }
    } catch (IOException | RuntimeException e) {
      agents.forEach(NodeAgent::close);
      api.close();
      throw e;
    }
    return new LocalNodes(api, agents);
  }

  /** The kubelet's 10 s, or a quarter of the grace period when shorter (at least 100 ms). */
  static Duration heartbeat(Duration nodeMonitorGracePeriod) {
    Duration quarter = nodeMonitorGracePeriod.dividedBy(4);
    Duration heartbeat = quarter.compareTo(Duration.ofSeconds(10)) < 0 ? quarter : Duration.ofSeconds(10);
    return heartbeat.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : heartbeat;
  }

  @Override
  public void close() {
    // in parallel: each agent gives its pods a few seconds to stop
    agents.parallelStream().forEach(NodeAgent::close);
    api.close();
  }
}
