package io.gantry.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.gantry.control.server.ControlConfig;
import io.gantry.control.server.ControlServer;
import io.gantry.node.api.ApiException;
import io.gantry.node.api.KubeClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** A real control component on ephemeral ports with TLS, and a client for it. */
final class ControlFixture implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  final ControlServer server;
  final KubeClient api;

  private ControlFixture(ControlServer server, KubeClient api) {
    this.server = server;
    this.api = api;
  }

  static ControlFixture start(Path dir, Duration nodeMonitorGracePeriod) throws Exception {
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    ControlServer server = ControlServer.start(ControlConfig.builder(dir).apiAddress(any).dataPlaneAddress(any)
        .adminAddress(any).nodeMonitorGracePeriod(nodeMonitorGracePeriod).build());
    KubeClient api = KubeClient.create(URI.create(server.url()), server.certificates().caCertificatePem(),
        server.token().value());
    return new ControlFixture(server, api);
  }

  /** The credential node agents require on their endpoint: the cluster's token, as the API presents it. */
  String authorization() {
    return "Bearer " + server.token().value();
  }

  /** A node agent on this control component with short heartbeats and back-off, once it has its pod CIDR. */
  NodeAgent startAgent(String nodeName, String address, Path dir) throws Exception {
    NodeAgent agent = NodeAgent.start(NodeAgentConfig.builder(nodeName, address, dir)
        .heartbeatInterval(Duration.ofSeconds(1)).backoff(Duration.ofMillis(500), Duration.ofSeconds(2)).build(), api);
    await("pod CIDR", Duration.ofSeconds(30), agent::podCidr);
    return agent;
  }

  static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  JsonNode getOrNull(String path) throws IOException {
    try {
      return api.get(path);
    } catch (ApiException e) {
      if (e.code() == 404) {
        return null;
      }
      throw e;
    }
  }

  /** Polls {@code condition} every 100 ms until it returns a non-null, non-false value. */
  static <T> T await(String what, Duration timeout, Callable<T> condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = condition.call();
        if (value != null && !Boolean.FALSE.equals(value)) {
          return value;
        }
      } catch (IOException | RuntimeException e) {
        last = e;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what + (last == null ? "" : ": " + last));
  }

  @Override
  public void close() {
    api.close();
    server.close();
  }
}
