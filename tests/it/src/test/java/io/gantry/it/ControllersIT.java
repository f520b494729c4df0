package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The cluster brain through the real kubectl: allocators fill in what `kubectl get` prints, the
 * Deployment and ReplicaSet controllers make pods, the scheduler binds them to a Ready node, the
 * EndpointSlice controller follows, and an idle cluster stops writing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControllersIT {

  private static final String NODE = """
      apiVersion: v1
      kind: Node
      metadata:
        name: worker-1
        labels: {kubernetes.io/hostname: worker-1}
      status:
        capacity: {cpu: "4", memory: 8Gi, pods: "110"}
        allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
        conditions:
        - {type: Ready, status: "True", reason: KubeletReady, message: ready}
        addresses:
        - {type: InternalIP, address: 127.0.0.11}
      """;

  private GantryProcess gantry;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    gantry = GantryProcess.start("--nodes", "0"); // its own Node worker-1 only, and an idle cluster
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void deploymentPodsAreScheduledServicesGetAddressesAndAnIdleClusterStopsWriting() throws Exception {
    var kubectl = gantry.kubectl();
    kubectl.runWithInput(NODE, "apply", "-f", "-").assertOk();
    kubectl.run("create", "namespace", "brain").assertOk();
    kubectl.run("-n", "brain", "create", "deployment", "web", "--image=nginx", "--replicas=3").assertOk();
    kubectl.run("-n", "brain", "expose", "deployment", "web", "--port=80", "--type=NodePort").assertOk();

    await("3 pods bound to worker-1", () -> {
      JsonNode pods = kubectl.run("-n", "brain", "get", "pods", "-o", "json").assertOk().json();
      int bound = 0;
      for (JsonNode pod : pods.path("items")) {
        if ("worker-1".equals(pod.at("/spec/nodeName").asText())) {
          bound++;
        }
      }
      return bound == 3;
    });
    JsonNode service = kubectl.run("-n", "brain", "get", "service", "web", "-o", "json").assertOk().json();
    assertTrue(service.at("/spec/clusterIP").asText().startsWith("127.96."), service.toString());
    int nodePort = service.at("/spec/ports/0/nodePort").asInt();
    assertTrue(nodePort >= 30000 && nodePort <= 32767, "nodePort " + nodePort);
    JsonNode node = kubectl.run("get", "node", "worker-1", "-o", "json").assertOk().json();
    assertTrue(node.at("/spec/podCIDR").asText().startsWith("127.244."), node.toString());
    kubectl.run("-n", "brain", "get", "endpointslices", "-l", "kubernetes.io/service-name=web")
        .assertOk().assertStdoutContains("web-");
    JsonNode deployment = kubectl.run("-n", "brain", "get", "deployment", "web", "-o", "json").assertOk().json();
    assertEquals(3, deployment.at("/status/replicas").asInt(), deployment.at("/status").toString());
    assertEquals(1, deployment.at("/status/observedGeneration").asInt());

    // Idle now: no controller may keep rewriting what it already wrote.
    Thread.sleep(2000);
    long before = storeRevision();
    Thread.sleep(3000);
    long after = storeRevision();
    assertTrue(after - before <= 5, "an idle cluster wrote " + (after - before) + " revisions in 3 s");
  }

  private long storeRevision() throws IOException, InterruptedException {
    String metrics = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + gantry.adminPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("gantry_store_revision ")) {
        return Long.parseLong(line.substring("gantry_store_revision ".length()).trim());
      }
    }
    throw new AssertionError("no gantry_store_revision in /metrics:\n" + metrics);
  }

  private static void await(String what, BooleanSupplier condition) {
    Poll.until(what, Duration.ofSeconds(30), Duration.ofMillis(200), condition, () -> "(see the gantry log)");
  }
}
