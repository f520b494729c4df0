package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.Poll;
import io.gantry.testing.Kubectl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Pods that really run: {@code gantry up --nodes 3} in loopback mode, a Deployment of three
 * {@code gantry/echo-http} replicas applied with kubectl lands one pod per node, each answering
 * at its own 127.244.x.y address; a killed process is restarted; a failing readiness probe turns
 * the pod and its endpoint not ready; {@code kubectl logs} shows what the pod printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeAgentIT {

  private static final Duration WAIT = Duration.ofSeconds(60);


  private GantryProcess gantry;
  private Kubectl kubectl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  void start() {
    gantry = GantryProcess.start("--nodes", "3", "--network", "loopback");
    kubectl = gantry.kubectl();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void deploymentRunsOnePodPerNodeReachableRestartedAndProbed() throws Exception {
    await("3 nodes Ready", () -> {
      JsonNode nodes = kubectl.run("get", "nodes", "-o", "json").assertOk().json();
      int ready = 0;
      for (JsonNode node : nodes.path("items")) {
        for (JsonNode c : node.at("/status/conditions")) {
          ready += "Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText()) ? 1 : 0;
        }
      }
      return ready == 3;
    });
    kubectl.run("create", "namespace", "pods").assertOk();
    kubectl.runWithInput(Manifests.load("echo-http.yaml", "pods"), "apply", "-f", "-").assertOk();

    Map<String, JsonNode> pods = awaitValue("3 pods Running and Ready", () -> {
      Map<String, JsonNode> ready = new HashMap<>();
      for (JsonNode pod : kubectl.run("-n", "pods", "get", "pods", "-o", "json").assertOk().json().path("items")) {
        if ("Running".equals(pod.at("/status/phase").asText()) && "True".equals(Json.condition(pod, "Ready"))) {
          ready.put(pod.at("/metadata/name").asText(), pod);
        }
      }
      return ready.size() == 3 ? ready : null;
    });
    Set<String> nodes = new HashSet<>();
    Set<String> ips = new HashSet<>();
    for (JsonNode pod : pods.values()) {
      nodes.add(pod.at("/spec/nodeName").asText());
      String ip = pod.at("/status/podIP").asText();
      assertTrue(ip.startsWith("127.244."), pod.toString());
      ips.add(ip);
      String answer = get("http://" + ip + ":8080/from-the-test");
      assertTrue(answer.startsWith("pod: " + pod.at("/metadata/name").asText() + "\n"), answer);
      assertTrue(answer.contains("request: GET /from-the-test"), answer);
    }
    assertEquals(3, nodes.size(), "one pod per node: " + nodes);
    assertEquals(3, ips.size(), "three addresses: " + ips);
    await("3 ready endpoints", () -> readyEndpoints() == 3);

    // kill a pod's process: it is restarted and restartCount goes up
    JsonNode victim = pods.values().iterator().next();
    String name = victim.at("/metadata/name").asText();
    String ip = victim.at("/status/podIP").asText();
    long pid = Long.parseLong(victim.at("/status/containerStatuses/0/containerID").asText().substring("gantry://".length()));
    assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly());
    await(name + " restarted", () -> {
      JsonNode pod = kubectl.run("-n", "pods", "get", "pod", name, "-o", "json").assertOk().json();
      return pod.at("/status/containerStatuses/0/restartCount").asInt() == 1
          && "True".equals(Json.condition(pod, "Ready"));
    });
    assertTrue(get("http://" + ip + ":8080/").startsWith("pod: " + name + "\n"));

    // kubectl logs: the current instance, the killed one with --previous, --tail
    String current = kubectl.run("-n", "pods", "logs", name).assertOk().stdout();
    assertTrue(current.contains("echo-http listening on " + ip + ":8080"), current);
    String previous = kubectl.run("-n", "pods", "logs", name, "--previous").assertOk().stdout();
    assertTrue(previous.contains("GET /from-the-test"), previous);
    assertEquals(1, kubectl.run("-n", "pods", "logs", name, "--previous", "--tail=1").assertOk().stdout()
        .strip().lines().count());

    // a failing readiness probe turns the pod, and its endpoint, not ready
    http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/healthz?code=503"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    await(name + " not ready", () -> "False".equals(Json.condition(
        kubectl.run("-n", "pods", "get", "pod", name, "-o", "json").assertOk().json(), "Ready")));
    await("2 ready endpoints", () -> readyEndpoints() == 2);
    String printed = kubectl.run("-n", "pods", "get", "pod", name).assertOk().stdout();
    assertTrue(printed.contains("0/1"), printed);
  }

  @Test
  void logsFollowAContainerUntilItEnds() {
    kubectl.run("create", "namespace", "logs").assertOk();
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: brief, namespace: logs}
        spec:
          restartPolicy: Never
          containers:
          - name: main
            image: /bin/sh
            args: ["-c", "echo one; sleep 2; echo two; echo three >&2"]
        """, "apply", "-f", "-").assertOk();
    await("brief running", () -> kubectl.run("-n", "logs", "get", "pod", "brief", "-o", "json").assertOk().json()
        .at("/status/containerStatuses/0/state/running").isObject());
    String followed = kubectl.run("-n", "logs", "logs", "-f", "brief").assertOk().stdout();
    // stdout and stderr are separate pipes: their relative order is not defined, as in Kubernetes
    List<String> lines = followed.lines().toList();
    assertEquals("one", lines.get(0), followed);
    assertEquals(List.of("one", "three", "two"), lines.stream().sorted().toList(), followed);
    await("brief Succeeded", () -> "Succeeded".equals(kubectl.run("-n", "logs", "get", "pod", "brief", "-o", "json")
        .assertOk().json().at("/status/phase").asText()));
    kubectl.run("-n", "logs", "logs", "brief", "-c", "nope").assertFailed()
        .assertStderrContains("container nope is not valid for pod brief");
  }

  /** The agent runs processes whatever the handler: a pod naming a RuntimeClass runs as any other. */
  @Test
  void aPodNamingARuntimeClassRuns() {
    kubectl.runWithInput("""
        apiVersion: node.k8s.io/v1
        kind: RuntimeClass
        metadata: {name: sandboxed}
        handler: runsc
        overhead: {podFixed: {cpu: 10m}}
        """, "create", "-f", "-").assertOk();
    kubectl.run("create", "namespace", "runtime").assertOk();
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: classy, namespace: runtime}
        spec:
          runtimeClassName: sandboxed
          containers: [{name: main, image: /bin/sh, args: ["-c", "sleep 300"]}]
        """, "apply", "-f", "-").assertOk();
    await("classy running", () -> "Running".equals(kubectl.run("-n", "runtime", "get", "pod", "classy", "-o", "json")
        .assertOk().json().at("/status/phase").asText()));
    assertEquals("10m", kubectl.run("-n", "runtime", "get", "pod", "classy", "-o", "jsonpath={.spec.overhead.cpu}")
        .assertOk().stdout());
  }

  @Test
  void aDisruptionBudgetHoldsADrainUntilItAllowsTheEviction() {
    kubectl.run("create", "namespace", "budget").assertOk();
    kubectl.run("-n", "budget", "create", "deployment", "guarded", "--image=gantry/echo-http", "--replicas=2")
        .assertOk();
    kubectl.run("-n", "budget", "create", "pdb", "guarded", "--selector=app=guarded", "--min-available=2")
        .assertOk().assertStdoutContains("poddisruptionbudget.policy/guarded created");
    await("the budget counts 2 healthy pods", () -> kubectl.run("-n", "budget", "get", "pdb", "guarded", "-o", "json")
        .assertOk().json().at("/status/currentHealthy").asInt() == 2);
    kubectl.run("-n", "budget", "get", "pdb").assertOk()
        .assertStdoutContains("NAME      MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS")
        .assertStdoutContains("guarded   2               N/A               0");
    String node = kubectl.run("-n", "budget", "get", "pods", "-o", "json").assertOk().json()
        .at("/items/0/spec/nodeName").asText();
    try {
      kubectl.run("drain", node, "--pod-selector=app=guarded", "--timeout=8s").assertFailed()
          .assertStderrContains("Cannot evict pod as it would violate the pod's disruption budget.");
      assertEquals(2, kubectl.run("-n", "budget", "get", "pods", "-o", "json").assertOk().json().path("items").size(),
          "the budget kept both pods");

      kubectl.run("-n", "budget", "patch", "pdb", "guarded", "--type=merge", "-p", "{\"spec\":{\"minAvailable\":1}}")
          .assertOk();
      kubectl.run("drain", node, "--pod-selector=app=guarded", "--timeout=40s").assertOk()
          .assertStdoutContains("evicted").assertStdoutContains("node/" + node + " drained");
    } finally {
      kubectl.run("uncordon", node).assertOk();
      await(node + " without the unschedulable taint", () -> !kubectl.run("get", "node", node, "-o", "json")
          .assertOk().json().path("spec").path("taints").toString().contains("node.kubernetes.io/unschedulable"));
    }
  }

  @Test
  void drainEvictsThePodsOfANodeAndCordonsIt() {
    kubectl.run("create", "namespace", "drain").assertOk();
    kubectl.run("-n", "drain", "create", "deployment", "kept", "--image=gantry/echo-http", "--replicas=2")
        .assertOk();
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: bare, namespace: drain, labels: {app: kept}}
        spec:
          nodeName: node-3
          containers:
          - {name: main, image: gantry/echo-http}
        """, "apply", "-f", "-").assertOk();
    await("bare running", () -> "Running".equals(kubectl.run("-n", "drain", "get", "pod", "bare", "-o", "json")
        .assertOk().json().at("/status/phase").asText()));
    try {
      // A pod no controller owns is only evicted with --force, as upstream's drain helper decides.
      kubectl.run("drain", "node-3", "--pod-selector=app", "--timeout=20s").assertFailed()
          .assertStderrContains("cannot delete Pods that declare no controller");
      kubectl.run("drain", "node-3", "--pod-selector=app", "--force", "--grace-period=2", "--timeout=40s")
          .assertOk().assertStdoutContains("pod/bare evicted").assertStdoutContains("node/node-3 drained");
      assertTrue(kubectl.run("get", "node", "node-3", "-o", "json").assertOk().json()
          .at("/spec/unschedulable").asBoolean(), "drain cordons the node");
      kubectl.run("-n", "drain", "get", "pod", "bare").assertFailed().assertStderrContains("not found");
      await("2 kept pods Running elsewhere", () -> {
        int elsewhere = 0;
        for (JsonNode pod : kubectl.run("-n", "drain", "get", "pods", "-o", "json").assertOk().json().path("items")) {
          boolean live = "Running".equals(pod.at("/status/phase").asText())
              && !pod.at("/metadata/deletionTimestamp").isTextual();
          elsewhere += live && !"node-3".equals(pod.at("/spec/nodeName").asText()) ? 1 : 0;
        }
        return elsewhere == 2;
      });
      // the agent sees the cordon on its next status sync, as the kubelet does
      await("NodeNotSchedulable for node-3", () -> nodeEvents("node-3").contains("NodeNotSchedulable:kubelet"));
    } finally {
      kubectl.run("uncordon", "node-3").assertOk();
      // the node lifecycle controller lifts the cordon's taint on its next pass; until then the
      // scheduler still avoids the node, which the other tests of this class need
      await("node-3 without the unschedulable taint", () -> !kubectl.run("get", "node", "node-3", "-o", "json")
          .assertOk().json().path("spec").path("taints").toString().contains("node.kubernetes.io/unschedulable"));
    }
    // The node's history, as the kubelet and the node controller record it for kubectl describe node
    await("node-3's events", () -> {
      String events = nodeEvents("node-3");
      return events.contains("Starting:kubelet") && events.contains("NodeReady:kubelet")
          && events.contains("RegisteredNode:node-controller") && events.contains("NodeSchedulable:kubelet");
    });
  }

  /** {@code reason:source} of each event about the node, one per line. */
  private String nodeEvents(String node) {
    return kubectl.run("get", "events", "-n", "default", "--field-selector",
        "involvedObject.kind=Node,involvedObject.name=" + node, "-o",
        "jsonpath={range .items[*]}{.reason}:{.source.component}{\"\\n\"}{end}").assertOk().stdout();
  }

  private int readyEndpoints() {
    JsonNode slices = kubectl.run("-n", "pods", "get", "endpointslices", "-l", "kubernetes.io/service-name=echo",
        "-o", "json").assertOk().json();
    int ready = 0;
    for (JsonNode slice : slices.path("items")) {
      for (JsonNode endpoint : slice.path("endpoints")) {
        ready += endpoint.at("/conditions/ready").asBoolean(false) ? 1 : 0;
      }
    }
    return ready;
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }


  private void await(String what, Supplier<Boolean> condition) {
    awaitValue(what, () -> condition.get() ? Boolean.TRUE : null);
  }

  private <T> T awaitValue(String what, Supplier<T> condition) {
    return Poll.value(what, WAIT, Duration.ofMillis(250), condition, gantry::logTail);
  }
}
