package io.gantry.node;

import static io.gantry.node.ControlFixture.await;
import static io.gantry.node.ControlFixture.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import io.gantry.control.server.store.Watch;
import io.gantry.control.server.store.WatchEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods as processes against a real control component: addresses from the pod CIDR, environment
 * from ConfigMaps, Secrets and the downward API, probes, restarts with back-off, restart policies,
 * graceful deletion, and logs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodsTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  static Path dir;
  private ControlFixture control;
  private NodeAgent agent;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  void start() throws Exception {
    control = ControlFixture.start(dir.resolve("control"), Duration.ofSeconds(40));
    agent = control.startAgent("pods-node", "127.0.0.21", dir.resolve("node"));
  }

  @AfterAll
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (control != null) {
      control.close();
    }
  }

  private JsonNode pod(String name) throws Exception {
    return control.api.get("/api/v1/namespaces/default/pods/" + name);
  }

  private void create(String yaml) throws Exception {
    JsonNode object = yaml(yaml);
    String kind = object.path("kind").asText();
    String plural = kind.equals("ConfigMap") ? "configmaps" : kind.equals("Secret") ? "secrets" : "pods";
    control.api.create("/api/v1/namespaces/default/" + plural, object);
  }

  private static JsonNode containerStatus(JsonNode pod, String name) {
    for (JsonNode cs : pod.at("/status/containerStatuses")) {
      if (name.equals(cs.path("name").asText())) {
        return cs;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static String condition(JsonNode pod, String type) {
    for (JsonNode c : pod.at("/status/conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return "";
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
        .header("Authorization", control.authorization()).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void echoPodRunsOnItsAddressWithItsEnvironmentAndIsProbedRestartedAndDeletedGracefully() throws Exception {
    create("""
        {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {greeting: hello}}
        """);
    create("""
        {apiVersion: v1, kind: Secret, metadata: {name: creds}, data: {password: czNjcmV0}}
        """);
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, labels: {app: web}}
        spec:
          nodeName: pods-node
          terminationGracePeriodSeconds: 3
          containers:
          - name: web
            image: gantry/echo-http
            ports: [{containerPort: 8080, name: http}]
            readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1, failureThreshold: 1}
          - name: env
            image: /bin/sh
            args: ["-c", "echo greeting=$GREETING password=$PASSWORD name=$MY_NAME ns=$MY_NS ip=$MY_IP node=$MY_NODE expanded=$(GREETING); trap 'echo got TERM; exit 0' TERM; while true; do sleep 0.2; done"]
            env:
            - {name: GREETING, valueFrom: {configMapKeyRef: {name: settings, key: greeting}}}
            - {name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}
            - {name: MY_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
            - {name: MY_NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
            - {name: MY_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
            - {name: MY_NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
        """);
    JsonNode pod = await("web-1 Running and Ready", WAIT, () -> {
      JsonNode p = pod("web-1");
      return "Running".equals(p.at("/status/phase").asText()) && "True".equals(condition(p, "Ready")) ? p : null;
    });
    String ip = pod.at("/status/podIP").asText();
    assertTrue(ip.startsWith(agent.podCidr().substring(0, agent.podCidr().lastIndexOf('.') + 1)), pod.toString());
    assertEquals(ip, pod.at("/status/podIPs/0/ip").asText());
    assertEquals("127.0.0.21", pod.at("/status/hostIP").asText());
    for (String type : new String[] {"PodScheduled", "Initialized", "ContainersReady", "Ready"}) {
      assertEquals("True", condition(pod, type), type + " in " + pod.at("/status"));
    }
    JsonNode web = containerStatus(pod, "web");
    assertTrue(web.path("ready").asBoolean() && web.path("started").asBoolean(), web.toString());
    assertEquals(0, web.path("restartCount").asInt());
    assertEquals("gantry/echo-http", web.path("image").asText());
    assertFalse(web.path("imageID").asText().isEmpty());
    assertTrue(web.path("containerID").asText().matches("gantry://\\d+"), web.toString());
    assertTrue(web.at("/state/running/startedAt").isTextual(), web.toString());

    String answer = get("http://" + ip + ":8080/hello");
    assertTrue(answer.startsWith("pod: web-1\n"), answer);
    assertTrue(answer.contains("request: GET /hello"), answer);

    String logUrl = "http://127.0.0.21:" + agent.serverPort() + "/containerLogs/default/web-1/env";
    HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(logUrl)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, anonymous.statusCode(), "the agent's endpoint takes the cluster's credential, as the kubelet's");
    String log = await("env log", WAIT, () -> {
      String text = get(logUrl);
      return text.contains("greeting=") ? text : null;
    });
    assertTrue(log.contains("greeting=hello password=s3cret name=web-1 ns=default ip=" + ip
        + " node=pods-node expanded=hello"), log);

    // readiness: a failing probe turns the pod not ready, a passing one back
    http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/healthz?code=503"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    await("web-1 not ready", WAIT, () -> "False".equals(condition(pod("web-1"), "Ready")));
    assertFalse(containerStatus(pod("web-1"), "web").path("ready").asBoolean());
    http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/healthz?code=200"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    await("web-1 ready again", WAIT, () -> "True".equals(condition(pod("web-1"), "Ready")));

    // kill the process: restarted, restartCount 1, the killed instance in lastState
    long pid = Long.parseLong(web.path("containerID").asText().substring("gantry://".length()));
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    JsonNode restarted = await("web restarted", WAIT, () -> {
      JsonNode cs = containerStatus(pod("web-1"), "web");
      return cs.path("restartCount").asInt() == 1 && cs.at("/state/running").isObject() ? cs : null;
    });
    assertEquals(137, restarted.at("/lastState/terminated/exitCode").asInt(), restarted.toString());
    assertFalse(restarted.path("containerID").asText().equals(web.path("containerID").asText()));
    await("web-1 ready after restart", WAIT, () -> "True".equals(condition(pod("web-1"), "Ready")));
    assertTrue(get("http://" + ip + ":8080/").startsWith("pod: web-1\n"));

    // graceful deletion: SIGTERM, the object goes once the processes are gone, then the address is free
    long shPid = Long.parseLong(containerStatus(pod("web-1"), "env").path("containerID").asText().substring(9));
    control.api.delete("/api/v1/namespaces/default/pods/web-1", null);
    await("web-1 gone", WAIT, () -> control.getOrNull("/api/v1/namespaces/default/pods/web-1") == null);
    assertFalse(ProcessHandle.of(shPid).map(ProcessHandle::isAlive).orElse(false));
    assertFalse(Files.exists(dir.resolve("node").resolve("ipam").resolve(ip)), "address released");
  }

  @Test
  void aReadinessGateHoldsThePodNotReadyUntilItsConditionIsTrue() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: gated}
        spec:
          nodeName: pods-node
          terminationGracePeriodSeconds: 1
          readinessGates: [{conditionType: example.com/feature-1}]
          containers:
          - {name: web, image: gantry/echo-http}
        """);
    JsonNode held = await("containers ready, pod held", WAIT, () -> {
      JsonNode p = pod("gated");
      return "True".equals(condition(p, "ContainersReady")) ? p : null;
    });
    JsonNode ready = conditionObject(held, "Ready");
    assertEquals("False", ready.path("status").asText(), held.at("/status").toString());
    assertEquals("ReadinessGatesNotReady", ready.path("reason").asText());
    assertEquals("corresponding condition of pod readiness gate \"example.com/feature-1\" does not exist.",
        ready.path("message").asText());

    String gate = "{\"status\":{\"conditions\":[{\"type\":\"example.com/feature-1\",\"status\":\"%s\"}]}}";
    control.api.strategicMergePatch("/api/v1/namespaces/default/pods/gated/status", yaml(gate.formatted("False")));
    await("the gate's status named", WAIT, () -> conditionObject(pod("gated"), "Ready").path("message").asText()
        .equals("the status of pod readiness gate \"example.com/feature-1\" is not \"True\", but False"));
    control.api.strategicMergePatch("/api/v1/namespaces/default/pods/gated/status", yaml(gate.formatted("True")));
    JsonNode open = await("Ready once the gate is True", WAIT, () -> {
      JsonNode p = pod("gated");
      return "True".equals(condition(p, "Ready")) ? p : null;
    });
    assertFalse(conditionObject(open, "Ready").has("reason"), open.at("/status").toString());
    assertEquals("True", condition(open, "example.com/feature-1"), "the agent's writes keep the gate's condition");
    control.api.delete("/api/v1/namespaces/default/pods/gated", null);
  }

  /** As the kubelet's status manager: a status the node lifecycle controller changed is put back. */
  @Test
  void aPodMarkedNotReadyByTheControlPlaneIsMadeReadyAgainByItsAgent() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: remarked}
        spec:
          nodeName: pods-node
          terminationGracePeriodSeconds: 1
          containers: [{name: web, image: gantry/echo-http}]
        """);
    await("remarked Ready", WAIT, () -> "True".equals(condition(pod("remarked"), "Ready")) ? true : null);
    // what MarkPodsNotReady writes while the node is unreachable
    control.api.strategicMergePatch("/api/v1/namespaces/default/pods/remarked/status", yaml(
        "{status: {conditions: [{type: Ready, status: \"False\"}]}}"));
    await("Ready again from its agent", WAIT, () -> "True".equals(condition(pod("remarked"), "Ready")) ? true : null);
    control.api.delete("/api/v1/namespaces/default/pods/remarked", null);
  }

  private static JsonNode conditionObject(JsonNode pod, String type) {
    for (JsonNode c : pod.at("/status/conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  @Test
  void aTerminatingPodKeepsItsReadinessAndItsReadinessProbe() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: draining}
        spec:
          nodeName: pods-node
          terminationGracePeriodSeconds: 30
          containers:
          - name: web
            image: gantry/echo-http
            env: [{name: ECHO_DRAIN_SECONDS, value: "20"}]
            ports: [{containerPort: 8080, name: http}]
            readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1, failureThreshold: 1}
        """);
    String ip = await("draining Ready", WAIT, () -> {
      JsonNode p = pod("draining");
      return "True".equals(condition(p, "Ready")) ? p.at("/status/podIP").asText() : null;
    });
    control.api.delete("/api/v1/namespaces/default/pods/draining", null);
    await("the deletion seen", WAIT, () -> pod("draining").at("/metadata/deletionTimestamp").isTextual());
    Thread.sleep(2500); // a few probe periods and status reports into the termination
    JsonNode terminating = pod("draining");
    assertEquals("True", condition(terminating, "Ready"), "the kubelet keeps a terminating pod Ready: "
        + terminating.at("/status"));
    assertTrue(containerStatus(terminating, "web").path("ready").asBoolean(), terminating.at("/status").toString());
    assertTrue(get("http://" + ip + ":8080/").startsWith("pod: draining\n"), "still serving while it drains");
    // the readiness probe still runs: failing it turns the terminating pod not ready
    http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/healthz?code=503"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    await("draining not ready", WAIT, () -> "False".equals(condition(pod("draining"), "Ready")));
    ProcessHandle.of(Long.parseLong(containerStatus(pod("draining"), "web").path("containerID").asText()
        .substring("gantry://".length()))).ifPresent(ProcessHandle::destroyForcibly);
    await("draining gone", WAIT, () -> control.getOrNull("/api/v1/namespaces/default/pods/draining") == null);
  }

  @Test
  void aDeletedPodIsTerminalBeforeItGoes() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: ending}
        spec:
          nodeName: pods-node
          terminationGracePeriodSeconds: 5
          containers: [{name: main, image: /bin/sh, args: ["-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]}]
        """);
    await("ending running", WAIT, () -> "Running".equals(pod("ending").at("/status/phase").asText()) ? true : null);
    List<String> seen = new CopyOnWriteArrayList<>();
    Store store = control.server.registry().store();
    try (Watch watch = store.watch(ResourceTypes.PODS.key("default", "ending"), store.currentRevision() + 1,
        event -> seen.add(event.type() == WatchEvent.Type.DELETE ? "DELETED" : phaseAndState(event.kv().value())))) {
      control.api.delete("/api/v1/namespaces/default/pods/ending", null);
      await("ending gone", WAIT, () -> seen.contains("DELETED") ? true : null);
    }
    // the kubelet (1.27+) writes the terminal phase, with the container terminated, before the pod is removed
    int deleted = seen.indexOf("DELETED");
    assertTrue(deleted > 0 && seen.get(deleted - 1).equals("Succeeded terminated"), seen.toString());
  }

  /** "PHASE STATE" of a stored pod, e.g. "Running running". */
  private static String phaseAndState(byte[] stored) {
    try {
      JsonNode pod = ControlFixture.JSON.readTree(stored);
      return pod.at("/status/phase").asText() + " " + pod.at("/status/containerStatuses/0/state").fieldNames().next();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void restartPoliciesBackOffAndLiveness() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: never-fails}
        spec:
          nodeName: pods-node
          restartPolicy: Never
          containers: [{name: main, image: /bin/sh, args: ["-c", "exit 3"]}]
        """);
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: onfailure-succeeds}
        spec:
          nodeName: pods-node
          restartPolicy: OnFailure
          containers: [{name: main, image: /bin/sh, args: ["-c", "exit 0"]}]
        """);
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: crasher}
        spec:
          nodeName: pods-node
          containers: [{name: main, image: /bin/sh, args: ["-c", "echo crashing; exit 1"]}]
        """);
    Path alive = dir.resolve("alive");
    Files.writeString(alive, "yes");
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: live}
        spec:
          nodeName: pods-node
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: /bin/sleep
            args: ["600"]
            livenessProbe: {exec: {command: [/bin/test, -f, "%s"]}, periodSeconds: 1, failureThreshold: 2}
        """.formatted(alive));
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: onfailure-live}
        spec:
          nodeName: pods-node
          restartPolicy: OnFailure
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: /bin/sh
            args: ["-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]
            livenessProbe: {exec: {command: [/bin/false]}, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1}
        """);
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: not-an-image}
        spec:
          nodeName: pods-node
          containers: [{name: main, image: nginx}]
        """);
    JsonNode failed = await("never-fails Failed", WAIT, () -> {
      JsonNode p = pod("never-fails");
      return "Failed".equals(p.at("/status/phase").asText()) ? p : null;
    });
    JsonNode terminated = containerStatus(failed, "main").at("/state/terminated");
    assertEquals(3, terminated.path("exitCode").asInt(), failed.toString());
    assertEquals("Error", terminated.path("reason").asText());
    await("onfailure-succeeds Succeeded", WAIT, () -> "Succeeded".equals(pod("onfailure-succeeds").at("/status/phase").asText()));
    assertEquals("Completed", containerStatus(pod("onfailure-succeeds"), "main").at("/state/terminated/reason").asText());
    // the kubelet's conditions of a terminal pod: not ready, for the reason of its phase, without a message
    for (String[] terminal : new String[][] {{"never-fails", "PodFailed"}, {"onfailure-succeeds", "PodCompleted"}}) {
      for (JsonNode condition : pod(terminal[0]).at("/status/conditions")) {
        if (condition.path("type").asText().matches("Ready|ContainersReady")) {
          assertEquals("False", condition.path("status").asText(), condition.toString());
          assertEquals(terminal[1], condition.path("reason").asText(), condition.toString());
          assertFalse(condition.has("message"), condition.toString());
        }
      }
    }

    JsonNode crashing = await("crasher in CrashLoopBackOff", WAIT, () -> {
      JsonNode cs = containerStatus(pod("crasher"), "main");
      return cs.path("restartCount").asInt() >= 2 && "CrashLoopBackOff".equals(cs.at("/state/waiting/reason").asText())
          ? cs : null;
    });
    assertEquals(1, crashing.at("/lastState/terminated/exitCode").asInt(), crashing.toString());
    assertEquals("Running", pod("crasher").at("/status/phase").asText());
    // the wait under way, in Go's duration format (the back-off here starts at 500 ms, doubling to 2 s)
    assertTrue(crashing.at("/state/waiting/message").asText()
        .matches("back-off (500ms|1s|2s) restarting failed container=main pod=crasher_default\\(.+\\)"),
        crashing.toString());
    await("the kubelet's BackOff event", WAIT, () -> {
      for (JsonNode e : control.api.get("/api/v1/namespaces/default/events").path("items")) {
        if (e.at("/involvedObject/name").asText().equals("crasher") && e.path("reason").asText().equals("BackOff")) {
          return e.path("type").asText().equals("Warning")
              && e.path("message").asText().startsWith("Back-off restarting failed container main in pod crasher_default(")
              ? e : null;
        }
      }
      return null;
    });

    await("live running", WAIT, () -> containerStatus(pod("live"), "main").at("/state/running").isObject());
    Files.delete(alive);
    JsonNode restarted = await("live restarted by its liveness probe", WAIT, () -> {
      JsonNode cs = containerStatus(pod("live"), "main");
      return cs.path("restartCount").asInt() >= 1 ? cs : null;
    });
    assertTrue(restarted.at("/lastState/terminated/message").asText().startsWith("Liveness probe failed"),
        restarted.toString());
    // killed by its liveness probe, a container is started again under OnFailure even when it exits 0
    JsonNode onFailure = await("onfailure-live restarted", WAIT, () -> {
      JsonNode cs = containerStatus(pod("onfailure-live"), "main");
      return cs.path("restartCount").asInt() >= 1 ? cs : null;
    });
    assertEquals(0, onFailure.at("/lastState/terminated/exitCode").asInt(), onFailure.toString());
    assertNotEquals("Succeeded", pod("onfailure-live").at("/status/phase").asText());
    control.api.delete("/api/v1/namespaces/default/pods/onfailure-live", null);

    JsonNode image = containerStatus(pod("not-an-image"), "main");
    assertTrue(image.at("/state/waiting/reason").asText().matches("ErrImagePull|ImagePullBackOff"), image.toString());
    assertTrue(image.at("/state/waiting/message").asText().contains("gantry runs processes"), image.toString());
    assertEquals("Pending", pod("not-an-image").at("/status/phase").asText());
    // What kubectl describe shows, which prints a waiting state's reason but not its message.
    await("the kubelet's image events", WAIT, () -> {
      List<String> messages = new ArrayList<>();
      for (JsonNode e : control.api.get("/api/v1/namespaces/default/events").path("items")) {
        if (e.at("/involvedObject/name").asText().equals("not-an-image")) {
          messages.add(e.path("reason").asText() + ": " + e.path("message").asText());
        }
      }
      boolean pull = messages.stream()
          .anyMatch(m -> m.startsWith("Failed: Failed to pull image \"nginx\": image nginx"));
      return pull && messages.contains("Failed: Error: ErrImagePull")
          && messages.contains("BackOff: Back-off pulling image \"nginx\"")
          && messages.contains("Failed: Error: ImagePullBackOff") ? messages : null;
    });
  }

  /** As the kubelet: a running container whose image changes is restarted with it, whatever the restart policy. */
  @Test
  void aChangedImageRestartsTheContainer() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: redefined}
        spec:
          nodeName: pods-node
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers: [{name: main, image: /bin/sleep, args: ["600"]}]
        """);
    await("redefined running", WAIT, () -> containerStatus(pod("redefined"), "main").at("/state/running").isObject());
    control.api.send("PATCH", "/api/v1/namespaces/default/pods/redefined",
        yaml("{spec: {containers: [{name: main, image: /usr/bin/sleep}]}}"), "application/strategic-merge-patch+json");
    assertEquals("/usr/bin/sleep", pod("redefined").at("/spec/containers/0/image").asText());
    JsonNode restarted = await("the container restarted with the new image", WAIT, () -> {
      JsonNode cs = containerStatus(pod("redefined"), "main");
      return cs.path("restartCount").asInt() == 1 && cs.at("/state/running").isObject() ? cs : null;
    });
    assertEquals("/usr/bin/sleep", restarted.path("image").asText(), restarted.toString());
    assertEquals("Running", pod("redefined").at("/status/phase").asText());
    await("the Killing event", WAIT, () -> {
      for (JsonNode e : control.api.get("/api/v1/namespaces/default/events").path("items")) {
        if (e.at("/involvedObject/name").asText().equals("redefined") && e.path("reason").asText().equals("Killing")
            && e.path("message").asText().equals("Container main definition changed, will be restarted")) {
          return true;
        }
      }
      return false;
    });
  }

  /** As the kubelet, whose back-off is keyed by the image: a new image starts without the crash back-off's wait. */
  @Test
  void aNewImageStartsWithoutTheBackOff() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: fixed}
        spec:
          nodeName: pods-node
          terminationGracePeriodSeconds: 1
          containers: [{name: main, image: /bin/false, args: ["600"]}]
        """);
    // the back-off here doubles from 500 ms to its 2 s cap
    await("fixed waiting out its longest back-off", WAIT, () -> containerStatus(pod("fixed"), "main")
        .at("/state/waiting/message").asText().startsWith("back-off 2s") ? true : null);
    long patched = System.nanoTime();
    control.api.send("PATCH", "/api/v1/namespaces/default/pods/fixed",
        yaml("{spec: {containers: [{name: main, image: /bin/sleep}]}}"), "application/strategic-merge-patch+json");
    await("fixed running the new image", WAIT, () -> containerStatus(pod("fixed"), "main").at("/state/running")
        .isObject() ? true : null);
    long tookMillis = (System.nanoTime() - patched) / 1_000_000;
    assertTrue(tookMillis < 1500, "started " + tookMillis + " ms after the new image, not after the 2 s back-off");
    control.api.delete("/api/v1/namespaces/default/pods/fixed", null);
  }

  @Test
  void aMissingConfigMapHoldsTheContainerUntilItExists() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: waits-for-config}
        spec:
          nodeName: pods-node
          containers:
          - name: main
            image: /bin/sleep
            args: ["600"]
            env: [{name: X, valueFrom: {configMapKeyRef: {name: later, key: x}}}]
        """);
    JsonNode waiting = await("CreateContainerConfigError", WAIT, () -> {
      JsonNode cs = containerStatus(pod("waits-for-config"), "main");
      return "CreateContainerConfigError".equals(cs.at("/state/waiting/reason").asText()) ? cs : null;
    });
    assertTrue(waiting.at("/state/waiting/message").asText().contains("later"), waiting.toString());
    create("""
        {apiVersion: v1, kind: ConfigMap, metadata: {name: later}, data: {x: "1"}}
        """);
    await("running once the ConfigMap exists", WAIT,
        () -> containerStatus(pod("waits-for-config"), "main").at("/state/running").isObject());
  }

  /** hostPort, as the CNI portmap plugin gives it: the node's address and port reach the pod's port. */
  @Test
  void hostPortsReachThePodsPortsOverTcpAndUdp() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: host-ported}
        spec:
          nodeName: pods-node
          containers:
          - {name: tcp, image: gantry/echo-tcp, ports: [{containerPort: 9200, hostPort: 19200}]}
          - {name: udp, image: gantry/echo-udp, ports: [{containerPort: 9201, hostPort: 19201, protocol: UDP}]}
        """);
    await("host-ported Ready", WAIT, () -> "True".equals(condition(pod("host-ported"), "Ready")) ? true : null);
    String tcp = await("echo through the TCP host port", WAIT, () -> {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.21", 19200)) {
        socket.setSoTimeout(2000);
        socket.getOutputStream().write("ping\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String echoed = new String(socket.getInputStream().readNBytes(5), java.nio.charset.StandardCharsets.US_ASCII);
        return echoed.isEmpty() ? null : echoed; // closed at once while echo-tcp is not listening yet
      }
    });
    assertEquals("ping\n", tcp);
    String udp = await("echo through the UDP host port", WAIT, () -> {
      try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
        socket.setSoTimeout(1000);
        byte[] out = "pong".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        socket.send(new java.net.DatagramPacket(out, out.length, java.net.InetAddress.getByName("127.0.0.21"), 19201));
        java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[64], 64);
        socket.receive(in);
        assertEquals(19201, in.getPort(), "the answer comes from the host port");
        return new String(in.getData(), 0, in.getLength(), java.nio.charset.StandardCharsets.US_ASCII);
      } catch (java.net.SocketTimeoutException e) {
        return null;
      }
    });
    assertTrue(udp.startsWith("pong"), udp);
    control.api.delete("/api/v1/namespaces/default/pods/host-ported", yaml("{gracePeriodSeconds: 1}"));
    await("the host port closed with the pod", WAIT, () -> {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.21", 19200)) {
        return null;
      } catch (java.net.ConnectException e) {
        return true;
      }
    });
  }

  /** A hostNetwork pod has the node's address, as its processes see it too ({@code POD_IP}). */
  @Test
  void aHostNetworkPodHasTheNodesAddress() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: on-the-host}
        spec:
          nodeName: pods-node
          hostNetwork: true
          containers:
          - name: main
            image: gantry/echo-http
            ports: [{containerPort: 18081}]
        """);
    JsonNode running = await("on-the-host Ready", WAIT, () -> {
      JsonNode p = pod("on-the-host");
      return "True".equals(condition(p, "Ready")) ? p : null;
    });
    assertEquals("127.0.0.21", running.at("/status/podIP").asText(), running.toString());
    assertEquals("127.0.0.21", running.at("/status/podIPs/0/ip").asText());
    String answer = await("echo-http answering on the node's address", WAIT, () -> {
      try {
        return get("http://127.0.0.21:18081/");
      } catch (java.net.ConnectException e) {
        return null; // Ready (no readiness probe) before it listens
      }
    });
    assertTrue(answer.startsWith("pod: on-the-host\n") && answer.contains("podIP: 127.0.0.21\n"), answer);
  }

  @Test
  void echoTcpAndUdpAnswerAndTheProbeImageReportsReachability() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: echoes}
        spec:
          nodeName: pods-node
          containers:
          - {name: tcp, image: gantry/echo-tcp, ports: [{containerPort: 9000}]}
          - {name: udp, image: gantry/echo-udp, args: ["9001"]}
        """);
    String ip = await("echoes running", WAIT, () -> {
      JsonNode p = pod("echoes");
      return "True".equals(condition(p, "Ready")) ? p.at("/status/podIP").asText() : null;
    });
    await("echo-tcp listening", WAIT, () -> {
      try (java.net.Socket socket = new java.net.Socket(ip, 9000)) {
        socket.getOutputStream().write("ping\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return new String(socket.getInputStream().readNBytes(5), java.nio.charset.StandardCharsets.US_ASCII)
            .equals("ping\n");
      }
    });
    for (String[] probe : new String[][] {{"probe-tcp", "tcp", ip + ":9000", "Succeeded"},
        {"probe-udp", "udp", ip + ":9001", "Succeeded"}, {"probe-closed", "tcp", ip + ":9009", "Failed"},
        {"probe-http", "http", "http://" + ip + ":9000/", "Failed"}}) {
      create("""
          apiVersion: v1
          kind: Pod
          metadata: {name: %s}
          spec:
            nodeName: pods-node
            restartPolicy: Never
            containers: [{name: main, image: gantry/probe, args: ["%s", "%s", "--timeout", "2"]}]
          """.formatted(probe[0], probe[1], probe[2]));
    }
    for (String[] expected : new String[][] {{"probe-tcp", "Succeeded"}, {"probe-udp", "Succeeded"},
        {"probe-closed", "Failed"}, {"probe-http", "Failed"}}) {
      JsonNode done = await(expected[0] + " finished", WAIT, () -> {
        JsonNode p = pod(expected[0]);
        String phase = p.at("/status/phase").asText();
        return phase.equals("Succeeded") || phase.equals("Failed") ? p : null;
      });
      assertEquals(expected[1], done.at("/status/phase").asText(), done.at("/status").toString());
    }
  }

  /** As the e2e "Container Runtime ... on terminated container" tests check it. */
  @Test
  void terminationMessageComesFromTheFileOrFromTheLogOnError() throws Exception {
    Path messageFile = dir.resolve("termination-custom-log");
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: message-file}
        spec:
          nodeName: pods-node
          restartPolicy: Never
          containers:
          - {name: main, image: /bin/sh, args: ["-c", "echo -n DONE > %s; exit 2"], terminationMessagePath: "%s"}
        """.formatted(messageFile, messageFile));
    for (String[] pod : new String[][] {{"fallback-error", "echo first; echo DONE; exit 1"},
        {"fallback-success", "echo DONE; exit 0"}}) {
      create("""
          apiVersion: v1
          kind: Pod
          metadata: {name: %s}
          spec:
            nodeName: pods-node
            restartPolicy: Never
            containers:
            - name: main
              image: /bin/sh
              args: ["-c", "%s"]
              terminationMessagePath: "%s"
              terminationMessagePolicy: FallbackToLogsOnError
          """.formatted(pod[0], pod[1], dir.resolve("never-written")));
    }
    for (String[] expected : new String[][] {{"message-file", "DONE"}, {"fallback-error", "first\nDONE\n"},
        {"fallback-success", ""}}) {
      JsonNode terminated = await(expected[0] + " terminated", WAIT, () -> {
        JsonNode t = containerStatus(pod(expected[0]), "main").at("/state/terminated");
        return t.isObject() ? t : null;
      });
      assertEquals(expected[1], terminated.path("message").asText(), expected[0] + ": " + terminated);
    }
  }
}
