package io.gantry.node;

import static io.gantry.node.ControlFixture.await;
import static io.gantry.node.ControlFixture.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Init containers and {@code activeDeadlineSeconds} against a real control component: init
 * containers run one at a time, in order, to completion before the app containers; a failing one
 * is retried with back-off or fails the pod under {@code restartPolicy: Never}; native sidecars
 * start in order, run beside the app and stop after it; a pod past its deadline fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InitContainersTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  static Path dir;
  private ControlFixture control;
  private NodeAgent agent;

  @BeforeAll
  void start() throws Exception {
    control = ControlFixture.start(dir.resolve("control"), Duration.ofSeconds(40));
    agent = control.startAgent("init-node", "127.0.0.22", dir.resolve("node"));
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
    control.api.create("/api/v1/namespaces/default/pods", yaml(yaml));
  }

  private static JsonNode status(JsonNode pod, String list, String name) {
    for (JsonNode cs : pod.at("/status/" + list)) {
      if (name.equals(cs.path("name").asText())) {
        return cs;
      }
    }
    return MissingNode.getInstance();
  }

  private static JsonNode condition(JsonNode pod, String type) {
    for (JsonNode c : pod.at("/status/conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return MissingNode.getInstance();
  }

  private Path workDir(JsonNode pod) {
    return dir.resolve("node").resolve("pods").resolve(pod.at("/metadata/uid").asText());
  }

  @Test
  void initContainersRunInOrderToCompletionBeforeTheAppContainers() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: ordered}
        spec:
          nodeName: init-node
          terminationGracePeriodSeconds: 1
          initContainers:
          - name: first
            image: /bin/sh
            env: [{name: WORD, value: one}]
            args: ["-c", "echo first $(WORD) $POD_NAME >> order; while [ ! -f go ]; do sleep 0.1; done"]
          - name: second
            image: /bin/sh
            args: ["-c", "echo second >> order; echo init output"]
          containers:
          - name: app
            image: /bin/sh
            args: ["-c", "echo app >> order; while true; do sleep 0.2; done"]
        """);
    JsonNode initializing = await("first init container running", WAIT, () -> {
      JsonNode p = pod("ordered");
      return status(p, "initContainerStatuses", "first").at("/state/running").isObject() ? p : null;
    });
    assertEquals("Pending", initializing.at("/status/phase").asText());
    JsonNode second = status(initializing, "initContainerStatuses", "second");
    assertEquals("PodInitializing", second.at("/state/waiting/reason").asText(), second.toString());
    JsonNode app = status(initializing, "containerStatuses", "app");
    assertEquals("PodInitializing", app.at("/state/waiting/reason").asText(), app.toString());
    JsonNode initialized = condition(initializing, "Initialized");
    assertEquals("False", initialized.path("status").asText(), initialized.toString());
    assertEquals("ContainersNotInitialized", initialized.path("reason").asText());
    assertEquals("containers with incomplete status: [first second]", initialized.path("message").asText());
    assertFalse(status(initializing, "initContainerStatuses", "first").path("ready").asBoolean());

    Thread.sleep(500); // the app container must not start while an init container runs
    Path work = workDir(initializing);
    assertEquals("first one ordered\n", Files.readString(work.resolve("order")));
    Files.writeString(work.resolve("go"), "");

    JsonNode running = await("ordered Running", WAIT, () -> {
      JsonNode p = pod("ordered");
      return "Running".equals(p.at("/status/phase").asText()) && "True".equals(condition(p, "Ready").path("status")
          .asText()) ? p : null;
    });
    assertEquals("True", condition(running, "Initialized").path("status").asText());
    for (String name : new String[] {"first", "second"}) {
      JsonNode init = status(running, "initContainerStatuses", name);
      assertEquals(0, init.at("/state/terminated/exitCode").asInt(-1), init.toString());
      assertEquals("Completed", init.at("/state/terminated/reason").asText(), init.toString());
      assertTrue(init.path("ready").asBoolean(), init.toString());
      assertFalse(init.path("started").asBoolean(), init.toString());
      assertEquals(0, init.path("restartCount").asInt(), init.toString());
      assertTrue(init.path("containerID").asText().startsWith("gantry://"), init.toString());
    }
    assertEquals("first one ordered\nsecond\napp\n", await("app wrote", WAIT, () -> {
      String text = Files.readString(work.resolve("order"));
      return text.endsWith("app\n") ? text : null;
    }));
    // the init container's log, as kubectl logs -c second reads it through the API
    String log = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.22:"
        + agent.serverPort() + "/containerLogs/default/ordered/second")).header("Authorization",
        control.authorization()).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertEquals("init output\n", log);
    // events name the init container by its field path
    JsonNode started = await("event for the init container", WAIT, () -> {
      for (JsonNode e : control.api.get("/api/v1/namespaces/default/events").path("items")) {
        if ("ordered".equals(e.at("/involvedObject/name").asText()) && "Started".equals(e.path("reason").asText())
            && e.path("message").asText().endsWith(" second")) {
          return e;
        }
      }
      return null;
    });
    assertEquals("spec.initContainers{second}", started.at("/involvedObject/fieldPath").asText());
  }

  @Test
  void aFailingInitContainerIsRetriedWithBackOffUntilItSucceeds() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: retried}
        spec:
          nodeName: init-node
          restartPolicy: Always
          terminationGracePeriodSeconds: 1
          initContainers:
          - name: flaky
            image: /bin/sh
            args: ["-c", "if [ -f tried ]; then exit 0; fi; touch tried; exit 3"]
          containers:
          - name: app
            image: /bin/sh
            args: ["-c", "while true; do sleep 0.2; done"]
        """);
    JsonNode running = await("retried Running", WAIT, () -> {
      JsonNode p = pod("retried");
      return "Running".equals(p.at("/status/phase").asText()) ? p : null;
    });
    JsonNode flaky = status(running, "initContainerStatuses", "flaky");
    assertEquals(1, flaky.path("restartCount").asInt(), flaky.toString());
    assertEquals(3, flaky.at("/lastState/terminated/exitCode").asInt(), flaky.toString());
    assertEquals("Error", flaky.at("/lastState/terminated/reason").asText(), flaky.toString());
    assertEquals("Completed", flaky.at("/state/terminated/reason").asText(), flaky.toString());

    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: crashing-init}
        spec:
          nodeName: init-node
          restartPolicy: OnFailure
          terminationGracePeriodSeconds: 1
          initContainers:
          - name: broken
            image: /bin/sh
            args: ["-c", "exit 2"]
          containers:
          - name: app
            image: /bin/sh
            args: ["-c", "sleep 100"]
        """);
    JsonNode crashing = await("broken in CrashLoopBackOff", WAIT, () -> {
      JsonNode p = pod("crashing-init");
      JsonNode broken = status(p, "initContainerStatuses", "broken");
      return "CrashLoopBackOff".equals(broken.at("/state/waiting/reason").asText())
          && broken.path("restartCount").asInt() >= 2 ? p : null;
    });
    assertEquals("Pending", crashing.at("/status/phase").asText());
    assertEquals("PodInitializing", status(crashing, "containerStatuses", "app").at("/state/waiting/reason").asText());
    assertFalse(status(crashing, "containerStatuses", "app").has("containerID"));
  }

  @Test
  void aFailingInitContainerFailsThePodUnderRestartPolicyNever() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: init-never}
        spec:
          nodeName: init-node
          restartPolicy: Never
          initContainers:
          - name: broken
            image: /bin/sh
            args: ["-c", "echo cannot set up >&2; exit 3"]
          - name: after
            image: /bin/sh
            args: ["-c", "exit 0"]
          containers:
          - name: app
            image: /bin/sh
            args: ["-c", "sleep 100"]
        """);
    JsonNode failed = await("init-never Failed", WAIT, () -> {
      JsonNode p = pod("init-never");
      return "Failed".equals(p.at("/status/phase").asText()) ? p : null;
    });
    JsonNode broken = status(failed, "initContainerStatuses", "broken");
    assertEquals(3, broken.at("/state/terminated/exitCode").asInt(), broken.toString());
    assertEquals("Error", broken.at("/state/terminated/reason").asText(), broken.toString());
    assertEquals(0, broken.path("restartCount").asInt());
    assertEquals("PodInitializing", status(failed, "initContainerStatuses", "after").at("/state/waiting/reason")
        .asText());
    assertEquals("PodInitializing", status(failed, "containerStatuses", "app").at("/state/waiting/reason").asText());
    assertEquals("False", condition(failed, "Initialized").path("status").asText());
    Thread.sleep(1500); // nothing restarts
    JsonNode later = pod("init-never");
    assertEquals(0, status(later, "initContainerStatuses", "broken").path("restartCount").asInt());
    assertFalse(status(later, "containerStatuses", "app").has("containerID"));
  }

  @Test
  void sidecarsStartInOrderRunBesideTheAppAndStopAfterIt() throws Exception {
    Path gate = dir.resolve("proxy-started");
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: with-sidecar}
        spec:
          nodeName: init-node
          restartPolicy: Never
          terminationGracePeriodSeconds: 5
          initContainers:
          - name: proxy
            image: /bin/sh
            restartPolicy: Always
            args: ["-c", "echo proxy >> order; trap 'echo proxy-stopped >> order; exit 0' TERM; while true; do sleep 0.1; done"]
            startupProbe: {exec: {command: [test, -f, %s]}, periodSeconds: 1, failureThreshold: 100}
          - name: setup
            image: /bin/sh
            args: ["-c", "echo setup >> order"]
          containers:
          - name: job
            image: /bin/sh
            args: ["-c", "echo job >> order; while [ ! -f done ]; do sleep 0.1; done; echo job-done >> order"]
        """.formatted(gate));
    // the next init container waits until the sidecar has started (its startup probe passed)
    JsonNode starting = await("proxy running", WAIT, () -> {
      JsonNode p = pod("with-sidecar");
      return status(p, "initContainerStatuses", "proxy").at("/state/running").isObject() ? p : null;
    });
    Thread.sleep(1500);
    starting = pod("with-sidecar");
    assertFalse(status(starting, "initContainerStatuses", "proxy").path("started").asBoolean());
    assertEquals("PodInitializing", status(starting, "initContainerStatuses", "setup").at("/state/waiting/reason")
        .asText(), starting.toString());
    assertEquals("proxy\n", Files.readString(workDir(starting).resolve("order")));
    Files.writeString(gate, "");
    JsonNode running = await("job running", WAIT, () -> {
      JsonNode p = pod("with-sidecar");
      return status(p, "containerStatuses", "job").at("/state/running").isObject()
          && "True".equals(condition(p, "Ready").path("status").asText()) ? p : null;
    });
    assertEquals("Running", running.at("/status/phase").asText());
    JsonNode proxy = status(running, "initContainerStatuses", "proxy");
    assertTrue(proxy.at("/state/running").isObject(), proxy.toString());
    assertTrue(proxy.path("started").asBoolean() && proxy.path("ready").asBoolean(), proxy.toString());
    assertEquals("True", condition(running, "Initialized").path("status").asText());
    Path work = workDir(running);
    Files.writeString(work.resolve("done"), "");

    JsonNode done = await("with-sidecar Succeeded", WAIT, () -> {
      JsonNode p = pod("with-sidecar");
      return "Succeeded".equals(p.at("/status/phase").asText()) ? p : null;
    });
    proxy = status(done, "initContainerStatuses", "proxy");
    assertTrue(proxy.at("/state/terminated").isObject(), proxy.toString());
    assertEquals(0, proxy.path("restartCount").asInt(), proxy.toString());
    assertEquals("proxy\nsetup\njob\njob-done\nproxy-stopped\n", Files.readString(work.resolve("order")));
  }

  @Test
  void aPodActiveLongerThanItsDeadlineFails() throws Exception {
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: deadline}
        spec:
          nodeName: init-node
          activeDeadlineSeconds: 2
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: /bin/sh
            args: ["-c", "while true; do sleep 0.2; done"]
        """);
    JsonNode running = await("deadline Running", WAIT, () -> {
      JsonNode p = pod("deadline");
      return "Running".equals(p.at("/status/phase").asText()) ? p : null;
    });
    long pid = Long.parseLong(status(running, "containerStatuses", "app").path("containerID").asText()
        .substring("gantry://".length()));
    JsonNode failed = await("deadline Failed", WAIT, () -> {
      JsonNode p = pod("deadline");
      return "Failed".equals(p.at("/status/phase").asText()) ? p : null;
    });
    assertEquals("DeadlineExceeded", failed.at("/status/reason").asText());
    assertEquals("Pod was active on the node longer than the specified deadline", failed.at("/status/message").asText());
    long active = Duration.between(java.time.Instant.parse(failed.at("/status/startTime").asText()),
        java.time.Instant.now()).toSeconds();
    assertTrue(active >= 2, "failed after " + active + " s");
    await("the container stopped", WAIT, () -> {
      JsonNode app = status(pod("deadline"), "containerStatuses", "app");
      return app.at("/state/terminated").isObject() ? app : null;
    });
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    Thread.sleep(1500); // not restarted, despite restartPolicy Always
    JsonNode later = pod("deadline");
    assertEquals("Failed", later.at("/status/phase").asText());
    assertEquals(0, status(later, "containerStatuses", "app").path("restartCount").asInt());
    create("""
        apiVersion: v1
        kind: Pod
        metadata: {name: done-in-time}
        spec:
          nodeName: init-node
          restartPolicy: Never
          activeDeadlineSeconds: 2
          containers:
          - name: app
            image: /bin/sh
            args: ["-c", "exit 0"]
        """);
    await("done-in-time Succeeded", WAIT, () -> "Succeeded".equals(pod("done-in-time").at("/status/phase").asText()));
    Thread.sleep(2500);
    control.api.mergePatch("/api/v1/namespaces/default/pods/done-in-time",
        yaml("{metadata: {labels: {touched: 'yes'}}}")); // the agent looks at the pod again past its deadline
    Thread.sleep(1000);
    JsonNode completed = pod("done-in-time");
    assertEquals("Succeeded", completed.at("/status/phase").asText(), completed.at("/status").toString());
    assertTrue(completed.at("/status/reason").isMissingNode(), completed.at("/status").toString());

    boolean event = false;
    for (JsonNode e : control.api.get("/api/v1/namespaces/default/events").path("items")) {
      event |= "deadline".equals(e.at("/involvedObject/name").asText())
          && "DeadlineExceeded".equals(e.path("reason").asText());
    }
    assertTrue(event, "a DeadlineExceeded event");
  }
}
