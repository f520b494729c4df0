package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.FreePort;
import io.gantry.testing.Poll;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Kubectl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kill a node agent: its node goes NotReady (Unknown), its pods' processes go with it, and after
 * the eviction delay its pods are recreated on the other nodes. The victim is a separate
 * {@code gantry node} process joining a {@code gantry up --nodes 2} cluster through the kubeconfig.
 */
class NodeFailoverIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final String APP = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: echo, namespace: failover}
      spec:
        replicas: 3
        selector: {matchLabels: {app: echo}}
        template:
          metadata: {labels: {app: echo}}
          spec:
            containers:
            - name: echo
              image: gantry/echo-http
              ports: [{containerPort: 8080}]
      """;

  private GantryProcess gantry;
  private Process node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
    }
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void podsOfAKilledNodeAreRecreatedOnTheOthers() throws Exception {
    gantry = GantryProcess.start("--nodes", "2", "--network", "loopback", "--node-monitor-grace-period", "PT4S",
        "--pod-eviction-timeout", "PT2S");
    Kubectl kubectl = gantry.kubectl();
    Path nodeDir = Files.createDirectories(gantry.dataDir().resolve("external-node"));
    String java = ProcessHandle.current().info().command().orElse("java");
    int adminPort = FreePort.find();
    node = new ProcessBuilder(java, "-jar", GantryProcess.locateJar().toString(), "node", "--kubeconfig",
        gantry.kubeconfig().toString(), "--node-name", "node-9", "--node-address", "127.0.0.29", "--data-dir",
        nodeDir.toString(), "--port", "0", "--heartbeat", "PT1S", "--admin-port", Integer.toString(adminPort))
        .redirectErrorStream(true).redirectOutput(nodeDir.resolve("node.log").toFile()).start();
    await("3 nodes Ready", () -> readyNodes(kubectl).size() == 3);

    kubectl.run("create", "namespace", "failover").assertOk();
    kubectl.runWithInput(APP, "apply", "-f", "-").assertOk();
    List<JsonNode> running = awaitValue("one pod per node", () -> {
      List<JsonNode> pods = runningPods(kubectl);
      return pods.size() == 3 && pods.stream().map(p -> p.at("/spec/nodeName").asText()).distinct().count() == 3
          ? pods : null;
    });
    JsonNode victim = running.stream().filter(p -> p.at("/spec/nodeName").asText().equals("node-9")).findFirst()
        .orElseThrow();
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + adminPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("gantry_node_pods{node=\"node-9\"} 1\n"), metrics);
    assertTrue(metrics.contains("gantry_node_containers_ready{node=\"node-9\"} 1\n"), metrics);
    long pid = Long.parseLong(victim.at("/status/containerStatuses/0/containerID").asText().substring(9));

    node.destroyForcibly();
    node.waitFor();
    await("the pod's process dies with its agent", () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    await("node-9 not Ready", () -> !readyNodes(kubectl).contains("node-9"));
    List<JsonNode> replaced = awaitValue("3 running pods on node-1 and node-2", () -> {
      List<JsonNode> pods = runningPods(kubectl);
      return pods.size() == 3 && pods.stream().noneMatch(p -> p.at("/spec/nodeName").asText().equals("node-9"))
          ? pods : null;
    });
    assertFalse(replaced.stream().anyMatch(p -> p.at("/metadata/name").equals(victim.at("/metadata/name"))));
    JsonNode evicted = kubectl.run("-n", "failover", "get", "pod", victim.at("/metadata/name").asText(), "-o", "json")
        .json();
    assertTrue(evicted.isMissingNode() || evicted.at("/metadata/deletionTimestamp").isTextual(), evicted.toString());
    assertEquals(2, replaced.stream().map(p -> p.at("/spec/nodeName").asText()).distinct().count());
  }

  private static List<String> readyNodes(Kubectl kubectl) {
    List<String> ready = new ArrayList<>();
    for (JsonNode node : kubectl.run("get", "nodes", "-o", "json").assertOk().json().path("items")) {
      for (JsonNode c : node.at("/status/conditions")) {
        if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
          ready.add(node.at("/metadata/name").asText());
        }
      }
    }
    return ready;
  }

  /** Running, ready and not terminating. */
  private static List<JsonNode> runningPods(Kubectl kubectl) {
    List<JsonNode> pods = new ArrayList<>();
    for (JsonNode pod : kubectl.run("-n", "failover", "get", "pods", "-o", "json").assertOk().json().path("items")) {
      boolean ready = false;
      for (JsonNode c : pod.at("/status/conditions")) {
        ready |= "Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText());
      }
      if (ready && "Running".equals(pod.at("/status/phase").asText()) && !pod.at("/metadata/deletionTimestamp").isTextual()) {
        pods.add(pod);
      }
    }
    return pods;
  }

  private void await(String what, Supplier<Boolean> condition) {
    awaitValue(what, () -> condition.get() ? Boolean.TRUE : null);
  }

  private <T> T awaitValue(String what, Supplier<T> condition) {
    return Poll.value(what, WAIT, Duration.ofMillis(250), condition, gantry::logTail);
  }
}
