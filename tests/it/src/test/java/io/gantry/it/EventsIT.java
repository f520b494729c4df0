package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Kubectl;
import io.gantry.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Events a pod's life leaves behind, as {@code kubectl get events} shows them: the scheduler's,
 * the kubelet's (the node agent), the ReplicaSet and Deployment controllers'.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventsIT {

  private GantryProcess gantry;
  private Kubectl kubectl;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start();
    kubectl = gantry.kubectl().withTimeout(Duration.ofSeconds(90));
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void aDeploymentsPodLifecycleIsRecordedByEveryComponentInvolved() {
    String ns = "events-lifecycle";
    kubectl.run("create", "namespace", ns).assertOk();
    kubectl.run("-n", ns, "create", "deployment", "web", "--image=gantry/echo-http").assertOk();
    kubectl.run("-n", ns, "rollout", "status", "deployment/web", "--timeout=60s").assertOk();
    String pod = kubectl.run("-n", ns, "get", "pods", "-o", "jsonpath={.items[0].metadata.name}").assertOk().stdout();
    String rs = kubectl.run("-n", ns, "get", "rs", "-o", "jsonpath={.items[0].metadata.name}").assertOk().stdout();

    kubectl.run("-n", ns, "delete", "pod", pod).assertOk();

    List<String> wanted = List.of(
        "Pod " + pod + " Scheduled default-scheduler",
        "Pod " + pod + " Pulled kubelet",
        "Pod " + pod + " Created kubelet",
        "Pod " + pod + " Started kubelet",
        "Pod " + pod + " Killing kubelet",
        "ReplicaSet " + rs + " SuccessfulCreate replicaset-controller",
        "Deployment web ScalingReplicaSet deployment-controller");
    Poll.until("the lifecycle's events " + wanted, Duration.ofSeconds(30), Duration.ofMillis(500),
        () -> events(ns).containsAll(wanted), () -> events(ns));
    kubectl.run("-n", ns, "describe", "deployment", "web").assertOk()
        .assertStdoutContains("Scaled up replica set " + rs + " from 0 to 1");
  }

  @Test
  void everyFailedProbeIsCountedOnOneUnhealthyEvent() {
    String ns = "events-probes";
    kubectl.run("create", "namespace", ns).assertOk();
    // nothing listens on port 1: each readiness attempt fails, once a second
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: unready}
        spec:
          containers:
          - name: web
            image: gantry/echo-http
            readinessProbe: {tcpSocket: {port: 1}, periodSeconds: 1}
        """, "-n", ns, "apply", "-f", "-").assertOk();
    Poll.until("an Unhealthy event counted three times", Duration.ofSeconds(40), Duration.ofMillis(500),
        () -> unhealthy(ns).size() == 1 && unhealthy(ns).get(0).path("count").asInt() >= 3, () -> unhealthy(ns));
    JsonNode event = unhealthy(ns).get(0);
    assertTrue(event.path("message").asText().startsWith("Readiness probe failed: "),
        event.toString());
    assertEquals("spec.containers{web}", event.at("/involvedObject/fieldPath").asText());
  }

  private List<JsonNode> unhealthy(String ns) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode e : kubectl.run("-n", ns, "get", "events", "-o", "json").assertOk().json().path("items")) {
      if (e.path("reason").asText().equals("Unhealthy")) {
        found.add(e);
      }
    }
    return found;
  }

  /** Each event as "kind name reason source". */
  private List<String> events(String ns) {
    JsonNode list = kubectl.run("-n", ns, "get", "events", "-o", "json").assertOk().json();
    List<String> events = new ArrayList<>();
    for (JsonNode e : list.path("items")) {
      events.add(e.at("/involvedObject/kind").asText() + " " + e.at("/involvedObject/name").asText() + " "
          + e.path("reason").asText() + " " + e.at("/source/component").asText());
    }
    return events;
  }
}
