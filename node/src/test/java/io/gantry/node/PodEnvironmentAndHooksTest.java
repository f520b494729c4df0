package io.gantry.node;

import static io.gantry.node.ControlFixture.await;
import static io.gantry.node.ControlFixture.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a container finds in its environment besides what it declares (the service variables,
 * {@code resourceFieldRef}), and its lifecycle hooks: postStart before the container counts as
 * running, a failing postStart kills it, preStop before SIGTERM within the grace period.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodEnvironmentAndHooksTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  static Path dir;
  private ControlFixture control;
  private NodeAgent agent;

  @BeforeAll
  void start() throws Exception {
    control = ControlFixture.start(dir.resolve("control"), Duration.ofSeconds(40));
    agent = control.startAgent("hooks-node", "127.0.0.22", dir.resolve("node"));
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

  private void create(String namespace, String plural, String yaml) throws Exception {
    control.api.create("/api/v1/namespaces/" + namespace + "/" + plural, yaml(yaml));
  }

  private JsonNode pod(String namespace, String name) throws Exception {
    return control.getOrNull("/api/v1/namespaces/" + namespace + "/pods/" + name);
  }

  private static Map<String, String> envFile(Path file) throws Exception {
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }

  private boolean hasEvent(String namespace, String pod, String reason) throws Exception {
    for (JsonNode e : control.api.get("/api/v1/namespaces/" + namespace + "/events").path("items")) {
      if (pod.equals(e.at("/involvedObject/name").asText()) && reason.equals(e.path("reason").asText())) {
        return true;
      }
    }
    return false;
  }

  @Test
  void serviceVariablesAndResourceFieldRefs() throws Exception {
    create("default", "services", """
        {apiVersion: v1, kind: Service, metadata: {name: my-svc}, spec: {selector: {app: x},
         ports: [{name: http, port: 8080, protocol: TCP}, {name: dns, port: 53, protocol: UDP}]}}
        """);
    create("default", "services", """
        {apiVersion: v1, kind: Service, metadata: {name: headless}, spec: {clusterIP: None, selector: {app: x},
         ports: [{port: 80}]}}
        """);
    control.api.create("/api/v1/namespaces", yaml("{apiVersion: v1, kind: Namespace, metadata: {name: unlinked}}"));
    create("unlinked", "services", """
        {apiVersion: v1, kind: Service, metadata: {name: hidden}, spec: {selector: {app: x}, ports: [{port: 80}]}}
        """);
    String ip = control.api.get("/api/v1/namespaces/default/services/my-svc").at("/spec/clusterIP").asText();
    String masterIp = control.api.get("/api/v1/namespaces/default/services/kubernetes").at("/spec/clusterIP").asText();
    Path linked = dir.resolve("linked.env");
    Path unlinked = dir.resolve("unlinked.env");
    create("default", "pods", """
        apiVersion: v1
        kind: Pod
        metadata: {name: env-linked}
        spec:
          nodeName: hooks-node
          restartPolicy: Never
          containers:
          - name: main
            image: /bin/sh
            args: ["-c", "env > %s.tmp && mv %s.tmp %s"]
            resources: {limits: {cpu: 250m, memory: 64Mi}}
            env:
            - {name: MY_SVC_SERVICE_PORT, value: declared-wins}
            - {name: URL, value: "http://$(MY_SVC_SERVICE_HOST):$(MY_SVC_SERVICE_PORT_HTTP)"}
            - {name: CPU_MILLIS, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}
            - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
            - {name: MEMORY_MI, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
            - {name: REQUESTS_CPU, valueFrom: {resourceFieldRef: {containerName: main, resource: requests.cpu, divisor: 1m}}}
        """.formatted(linked, linked, linked));
    create("unlinked", "pods", """
        apiVersion: v1
        kind: Pod
        metadata: {name: env-unlinked}
        spec:
          nodeName: hooks-node
          restartPolicy: Never
          enableServiceLinks: false
          containers:
          - name: main
            image: /bin/sh
            args: ["-c", "env > %s.tmp && mv %s.tmp %s"]
            env:
            - {name: NODE_MEMORY, valueFrom: {resourceFieldRef: {resource: limits.memory}}}
            - {name: NODE_CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
        """.formatted(unlinked, unlinked, unlinked));
    await("both environments written", WAIT, () -> Files.exists(linked) && Files.exists(unlinked));

    Map<String, String> env = envFile(linked);
    assertEquals(ip, env.get("MY_SVC_SERVICE_HOST"));
    assertEquals("declared-wins", env.get("MY_SVC_SERVICE_PORT"));
    assertEquals("8080", env.get("MY_SVC_SERVICE_PORT_HTTP"));
    assertEquals("53", env.get("MY_SVC_SERVICE_PORT_DNS"));
    assertEquals("tcp://" + ip + ":8080", env.get("MY_SVC_PORT"));
    assertEquals("tcp://" + ip + ":8080", env.get("MY_SVC_PORT_8080_TCP"));
    assertEquals("tcp", env.get("MY_SVC_PORT_8080_TCP_PROTO"));
    assertEquals("8080", env.get("MY_SVC_PORT_8080_TCP_PORT"));
    assertEquals(ip, env.get("MY_SVC_PORT_8080_TCP_ADDR"));
    assertEquals("udp://" + ip + ":53", env.get("MY_SVC_PORT_53_UDP"));
    assertEquals("http://" + ip + ":8080", env.get("URL"), "$(VAR) sees the service variables");
    assertEquals(masterIp, env.get("KUBERNETES_SERVICE_HOST"));
    assertEquals("443", env.get("KUBERNETES_SERVICE_PORT"));
    assertNull(env.get("HEADLESS_SERVICE_HOST"), "no variables for a headless service");
    assertNull(env.get("HIDDEN_SERVICE_HOST"), "only the pod's namespace");
    assertEquals("250", env.get("CPU_MILLIS"));
    assertEquals("1", env.get("CPU"));
    assertEquals("64", env.get("MEMORY_MI"));
    JsonNode linkedPod = pod("default", "env-linked");
    String requests = linkedPod.at("/spec/containers/0/resources/requests/cpu").asText("0");
    assertEquals(requests.equals("250m") ? "250" : "0", env.get("REQUESTS_CPU"), linkedPod.at("/spec").toString());

    Map<String, String> bare = envFile(unlinked);
    assertEquals(masterIp, bare.get("KUBERNETES_SERVICE_HOST"), "the master service's variables always");
    assertTrue(bare.keySet().stream().noneMatch(k -> k.startsWith("HIDDEN_")), bare.toString());
    JsonNode allocatable = control.api.get("/api/v1/nodes/hooks-node").at("/status/allocatable");
    String memory = allocatable.path("memory").asText();
    assertTrue(memory.endsWith("Ki"), memory);
    assertEquals(Long.parseLong(memory.substring(0, memory.length() - 2)) * 1024, Long.parseLong(bare.get("NODE_MEMORY")),
        "an unset limit is the node's allocatable");
    assertEquals(allocatable.path("cpu").asText(), bare.get("NODE_CPU"));
  }

  @Test
  void postStartRunsBeforeTheContainerCountsAsRunningAndAFailingOneKillsIt() throws Exception {
    Path hooked = dir.resolve("post-start.out");
    create("default", "pods", """
        apiVersion: v1
        kind: Pod
        metadata: {name: post-start}
        spec:
          nodeName: hooks-node
          containers:
          - name: main
            image: /bin/sh
            args: ["-c", "while true; do sleep 0.2; done"]
            lifecycle:
              postStart: {exec: {command: ["/bin/sh", "-c", "sleep 2; echo hooked $POD_NAME > %s"]}}
        """.formatted(hooked));
    JsonNode during = await("the process started, the hook running", WAIT, () -> {
      JsonNode p = pod("default", "post-start");
      return p.at("/status/containerStatuses/0/containerID").isTextual() ? p : null;
    });
    assertFalse(Files.exists(hooked));
    assertEquals("Pending", during.at("/status/phase").asText(), during.at("/status").toString());
    JsonNode cs = during.at("/status/containerStatuses/0");
    assertEquals("ContainerCreating", cs.at("/state/waiting/reason").asText(), cs.toString());
    assertFalse(cs.path("started").asBoolean() || cs.path("ready").asBoolean(), cs.toString());
    JsonNode after = await("running after the hook", WAIT, () -> {
      JsonNode p = pod("default", "post-start");
      return p.at("/status/containerStatuses/0/state/running").isObject() ? p : null;
    });
    assertEquals("hooked post-start\n", Files.readString(hooked), "the hook ran first, with the container's env");
    assertEquals("Running", after.at("/status/phase").asText());
    assertTrue(after.at("/status/containerStatuses/0/started").asBoolean());

    create("default", "pods", """
        apiVersion: v1
        kind: Pod
        metadata: {name: post-start-fails}
        spec:
          nodeName: hooks-node
          restartPolicy: Never
          terminationGracePeriodSeconds: 5
          containers:
          - name: main
            image: /bin/sh
            args: ["-c", "while true; do sleep 0.2; done"]
            lifecycle:
              postStart: {exec: {command: ["/bin/sh", "-c", "echo no such thing; exit 7"]}}
        """);
    JsonNode failed = await("killed after the failing hook", WAIT, () -> {
      JsonNode p = pod("default", "post-start-fails");
      return "Failed".equals(p.at("/status/phase").asText()) ? p : null;
    });
    JsonNode terminated = failed.at("/status/containerStatuses/0/state/terminated");
    assertTrue(terminated.path("message").asText().contains("Exec lifecycle hook"), terminated.toString());
    assertTrue(terminated.path("message").asText().contains("exited with 7"), terminated.toString());
    await("FailedPostStartHook event", WAIT, () -> hasEvent("default", "post-start-fails", "FailedPostStartHook"));
  }

  @Test
  void preStopRunsBeforeSigtermWithinTheGracePeriodAndAnOverrunGetsTwoSeconds() throws Exception {
    Path order = dir.resolve("pre-stop.order");
    create("default", "pods", """
        apiVersion: v1
        kind: Pod
        metadata: {name: pre-stop}
        spec:
          nodeName: hooks-node
          terminationGracePeriodSeconds: 10
          containers:
          - name: main
            image: /bin/sh
            args: ["-c", "trap 'echo term >> %s; exit 0' TERM; while true; do sleep 0.2; done"]
            lifecycle:
              preStop: {exec: {command: ["/bin/sh", "-c", "sleep 1; echo pre-stop $POD_NAME >> %s"]}}
        """.formatted(order, order));
    create("default", "pods", """
        apiVersion: v1
        kind: Pod
        metadata: {name: pre-stop-overruns}
        spec:
          nodeName: hooks-node
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: /bin/sh
            args: ["-c", "trap '' TERM; while true; do sleep 0.2; done"]
            lifecycle:
              preStop: {sleep: {seconds: 30}}
          - name: fails
            image: /bin/sh
            args: ["-c", "while true; do sleep 0.2; done"]
            lifecycle:
              preStop: {exec: {command: ["/bin/sh", "-c", "exit 1"]}}
        """);
    for (String name : new String[] {"pre-stop", "pre-stop-overruns"}) {
      await(name + " running", WAIT, () -> "Running".equals(pod("default", name).at("/status/phase").asText()));
    }
    control.api.delete("/api/v1/namespaces/default/pods/pre-stop", null);
    long start = System.nanoTime();
    control.api.delete("/api/v1/namespaces/default/pods/pre-stop-overruns", null);
    await("pre-stop gone", WAIT, () -> pod("default", "pre-stop") == null);
    assertEquals("pre-stop pre-stop\nterm\n", Files.readString(order), "the hook, then SIGTERM");
    await("pre-stop-overruns gone", WAIT, () -> pod("default", "pre-stop-overruns") == null);
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(millis >= 2900, "1 s of hook, then 2 s before SIGKILL: " + millis + " ms");
    await("FailedPreStopHook event", WAIT, () -> hasEvent("default", "pre-stop-overruns", "FailedPreStopHook"));
  }
}
