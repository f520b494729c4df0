package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Kubectl;
import io.gantry.testing.Poll;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Manifests written for Kubernetes that rely on what the kubelet adds: a client pod reads a
 * Service's address from {@code FOOSERVICE_SERVICE_HOST} and friends (the e2e test "should contain
 * environment variables for services") and its limits through {@code resourceFieldRef}; postStart
 * and preStop HTTP hooks reach a handler pod, and a failing postStart hook restarts its container.
 * All through kubectl against {@code gantry up --network loopback}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodEnvironmentIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private GantryProcess gantry;
  private Kubectl kubectl;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start("--nodes", "1", "--network", "loopback");
    kubectl = gantry.kubectl();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  private JsonNode pod(String namespace, String name) {
    return kubectl.run("-n", namespace, "get", "pod", name, "-o", "json").assertOk().json();
  }

  @Test
  void clientPodSeesTheServiceVariablesAndItsLimits() {
    kubectl.run("create", "namespace", "envvars").assertOk();
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: server-envvars, namespace: envvars, labels: {name: server-envvars}}
        spec:
          containers:
          - {name: srv, image: gantry/echo-http, ports: [{containerPort: 8080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: fooservice, namespace: envvars}
        spec:
          selector: {name: server-envvars}
          ports: [{port: 8765, targetPort: 8080}]
        """, "apply", "-f", "-").assertOk();
    await("server-envvars running", () -> "Running".equals(pod("envvars", "server-envvars").at("/status/phase").asText()));
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: client-envvars, namespace: envvars}
        spec:
          restartPolicy: Never
          containers:
          - name: env3cont
            image: /bin/sh
            args: ["-c", "env"]
            resources: {limits: {cpu: 500m, memory: 32Mi}}
            env:
            - {name: CPU_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}
            - {name: MEMORY_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
        """, "apply", "-f", "-").assertOk();
    await("client-envvars Succeeded", () -> "Succeeded".equals(pod("envvars", "client-envvars").at("/status/phase").asText()));

    Map<String, String> env = new HashMap<>();
    kubectl.run("-n", "envvars", "logs", "client-envvars").assertOk().stdout().lines().forEach(line -> {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    });
    String ip = kubectl.run("-n", "envvars", "get", "service", "fooservice", "-o", "jsonpath={.spec.clusterIP}")
        .assertOk().stdout().strip();
    assertEquals(ip, env.get("FOOSERVICE_SERVICE_HOST"), env.toString());
    assertEquals("8765", env.get("FOOSERVICE_SERVICE_PORT"));
    assertEquals("tcp://" + ip + ":8765", env.get("FOOSERVICE_PORT"));
    assertEquals("tcp://" + ip + ":8765", env.get("FOOSERVICE_PORT_8765_TCP"));
    assertEquals("tcp", env.get("FOOSERVICE_PORT_8765_TCP_PROTO"));
    assertEquals("8765", env.get("FOOSERVICE_PORT_8765_TCP_PORT"));
    assertEquals(ip, env.get("FOOSERVICE_PORT_8765_TCP_ADDR"));
    String master = kubectl.run("get", "service", "kubernetes", "-o", "jsonpath={.spec.clusterIP}").assertOk().stdout()
        .strip();
    assertEquals(master, env.get("KUBERNETES_SERVICE_HOST"));
    assertEquals("500", env.get("CPU_LIMIT"));
    assertEquals("32", env.get("MEMORY_LIMIT"));
  }

  @Test
  void httpHooksReachTheHandlerAndAFailingPostStartRestartsTheContainer() {
    kubectl.run("create", "namespace", "hooks").assertOk();
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: pod-handle-http-request, namespace: hooks}
        spec:
          containers:
          - {name: handler, image: gantry/echo-http, ports: [{containerPort: 8080}]}
        """, "apply", "-f", "-").assertOk();
    String handler = awaitValue("handler address", () -> {
      JsonNode p = pod("hooks", "pod-handle-http-request");
      return "Running".equals(p.at("/status/phase").asText()) ? p.at("/status/podIP").asText() : null;
    });
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: pod-with-hooks, namespace: hooks}
        spec:
          terminationGracePeriodSeconds: 5
          containers:
          - name: main
            image: /bin/sh
            args: ["-c", "while true; do sleep 0.2; done"]
            lifecycle:
              postStart: {httpGet: {host: %s, port: 8080, path: "/echo?msg=poststart"}}
              preStop: {httpGet: {host: %s, port: 8080, path: "/echo?msg=prestop"}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: post-start-fails, namespace: hooks}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: /bin/sh
            args: ["-c", "while true; do sleep 0.2; done"]
            lifecycle:
              postStart: {exec: {command: ["/bin/sh", "-c", "exit 1"]}}
        """.formatted(handler, handler), "apply", "-f", "-").assertOk();
    await("pod-with-hooks running", () -> pod("hooks", "pod-with-hooks").at("/status/containerStatuses/0/started")
        .asBoolean());
    assertTrue(kubectl.run("-n", "hooks", "logs", "pod-handle-http-request").assertOk().stdout()
        .contains("GET /echo?msg=poststart"), "the postStart hook reached the handler");
    kubectl.run("-n", "hooks", "delete", "pod", "pod-with-hooks").assertOk();
    assertTrue(kubectl.run("-n", "hooks", "logs", "pod-handle-http-request").assertOk().stdout()
        .contains("GET /echo?msg=prestop"), "the preStop hook reached the handler before the pod went");

    await("post-start-fails restarted", () -> pod("hooks", "post-start-fails")
        .at("/status/containerStatuses/0/restartCount").asInt() >= 1);
    await("FailedPostStartHook event", () -> {
      for (JsonNode e : kubectl.run("-n", "hooks", "get", "events", "-o", "json").assertOk().json().path("items")) {
        if ("FailedPostStartHook".equals(e.path("reason").asText())
            && "post-start-fails".equals(e.at("/involvedObject/name").asText())) {
          return true;
        }
      }
      return false;
    });
  }

  private void await(String what, Supplier<Boolean> condition) {
    awaitValue(what, () -> condition.get() ? Boolean.TRUE : null);
  }

  private <T> T awaitValue(String what, Supplier<T> condition) {
    return Poll.value(what, WAIT, Duration.ofMillis(250), condition, gantry::logTail);
  }
}
