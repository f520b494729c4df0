package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Kubectl;
import io.gantry.testing.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Init containers and {@code activeDeadlineSeconds} on a real {@code gantry up}, seen through the
 * stock kubectl: {@code kubectl get pods} shows {@code Init:0/2}, {@code Init:1/2},
 * {@code Init:Error} and {@code Init:CrashLoopBackOff} as it does against a kubelet, a pod past its
 * deadline fails with reason {@code DeadlineExceeded}, {@code kubectl logs -c} reads an init
 * container's output, and {@code kubectl describe} lists the init containers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InitContainersIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private GantryProcess gantry;
  private Kubectl kubectl;
  private Path shared;

  @BeforeAll
  void start() throws IOException {
    gantry = GantryProcess.start("--nodes", "1", "--network", "loopback");
    kubectl = gantry.kubectl();
    shared = Files.createTempDirectory("gantry-init-it-");
    kubectl.run("create", "namespace", "init").assertOk();
  }

  @AfterAll
  void stop() throws IOException {
    if (gantry != null) {
      gantry.close();
    }
    if (shared != null) {
      try (var files = Files.list(shared)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(shared);
    }
  }

  private String statusColumn(String pod) {
    return kubectl.run("-n", "init", "get", "pod", pod).assertOk().table().rowNamed(pod).get("STATUS");
  }

  private void apply(String yaml) {
    kubectl.runWithInput(yaml, "-n", "init", "apply", "-f", "-").assertOk();
  }

  @Test
  void initContainersRunOneAfterTheOtherAndKubectlShowsTheirProgress() throws IOException {
    apply("""
        apiVersion: v1
        kind: Pod
        metadata: {name: staged}
        spec:
          initContainers:
          - name: wait-first
            image: /bin/sh
            args: ["-c", "echo first init ran; while [ ! -f %1$s/first ]; do sleep 0.1; done"]
          - name: wait-second
            image: /bin/sh
            args: ["-c", "while [ ! -f %1$s/second ]; do sleep 0.1; done"]
          containers:
          - name: app
            image: /bin/sh
            args: ["-c", "echo app started; while true; do sleep 0.2; done"]
        """.formatted(shared));
    await("staged at Init:0/2", () -> "Init:0/2".equals(statusColumn("staged")));
    assertEquals("0/1", kubectl.run("-n", "init", "get", "pod", "staged").assertOk().table().rowNamed("staged")
        .get("READY"));
    String describe = kubectl.run("-n", "init", "describe", "pod", "staged").assertOk().stdout();
    assertTrue(describe.contains("Init Containers:") && describe.contains("wait-second:"), describe);
    Files.writeString(shared.resolve("first"), "");
    await("staged at Init:1/2", () -> "Init:1/2".equals(statusColumn("staged")));
    assertEquals("first init ran\n", kubectl.run("-n", "init", "logs", "staged", "-c", "wait-first").assertOk()
        .stdout());
    // the app container has not started: its log is not there yet
    kubectl.run("-n", "init", "logs", "staged", "-c", "app").assertFailed()
        .assertStderrContains("is waiting to start");
    Files.writeString(shared.resolve("second"), "");
    await("staged Running", () -> "Running".equals(statusColumn("staged")));
    JsonNode pod = kubectl.run("-n", "init", "get", "pod", "staged", "-o", "json").assertOk().json();
    for (JsonNode init : pod.at("/status/initContainerStatuses")) {
      assertEquals("Completed", init.at("/state/terminated/reason").asText(), init.toString());
    }
    assertEquals("app started\n", kubectl.run("-n", "init", "logs", "staged", "-c", "app").assertOk().stdout());
    kubectl.run("-n", "init", "wait", "--for=condition=Initialized", "pod/staged", "--timeout=30s").assertOk();
  }

  @Test
  void failingInitContainersShowInitErrorAndInitCrashLoopBackOff() {
    apply("""
        apiVersion: v1
        kind: Pod
        metadata: {name: init-fails-once}
        spec:
          restartPolicy: Never
          initContainers:
          - name: broken
            image: /bin/sh
            args: ["-c", "echo no database >&2; exit 1"]
          containers:
          - name: app
            image: /bin/sh
            args: ["-c", "sleep 100"]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: init-crashes}
        spec:
          restartPolicy: Always
          initContainers:
          - name: broken
            image: /bin/sh
            args: ["-c", "exit 1"]
          containers:
          - name: app
            image: /bin/sh
            args: ["-c", "sleep 100"]
        """);
    await("init-fails-once at Init:Error", () -> "Init:Error".equals(statusColumn("init-fails-once")));
    JsonNode failed = kubectl.run("-n", "init", "get", "pod", "init-fails-once", "-o", "json").assertOk().json();
    assertEquals("Failed", failed.at("/status/phase").asText(), failed.at("/status").toString());
    assertEquals("no database\n", kubectl.run("-n", "init", "logs", "init-fails-once", "-c", "broken").assertOk()
        .stdout());
    await("init-crashes at Init:CrashLoopBackOff",
        () -> "Init:CrashLoopBackOff".equals(statusColumn("init-crashes")));
    JsonNode crashing = kubectl.run("-n", "init", "get", "pod", "init-crashes", "-o", "json").assertOk().json();
    assertEquals("Pending", crashing.at("/status/phase").asText());
    assertTrue(crashing.at("/status/initContainerStatuses/0/restartCount").asInt() >= 1, crashing.toString());
  }

  @Test
  void aPodPastItsActiveDeadlineIsFailedAndKubectlSaysDeadlineExceeded() {
    apply("""
        apiVersion: v1
        kind: Pod
        metadata: {name: bounded}
        spec:
          activeDeadlineSeconds: 3
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: /bin/sh
            args: ["-c", "while true; do sleep 0.2; done"]
        """);
    await("bounded Running", () -> "Running".equals(statusColumn("bounded")));
    await("bounded Failed", () -> "Failed".equals(kubectl.run("-n", "init", "get", "pod", "bounded", "-o",
        "jsonpath={.status.phase}").assertOk().stdout()));
    JsonNode pod = kubectl.run("-n", "init", "get", "pod", "bounded", "-o", "json").assertOk().json();
    assertEquals("DeadlineExceeded", pod.at("/status/reason").asText());
    assertEquals("Pod was active on the node longer than the specified deadline", pod.at("/status/message").asText());
    // once its container was stopped, kubectl shows that container's terminated reason, as for a kubelet's pod
    await("bounded's container stopped", () -> "Error".equals(statusColumn("bounded")));
    pod = kubectl.run("-n", "init", "get", "pod", "bounded", "-o", "json").assertOk().json();
    assertEquals(143, pod.at("/status/containerStatuses/0/state/terminated/exitCode").asInt(), pod.toString());
    assertEquals(0, pod.at("/status/containerStatuses/0/restartCount").asInt(), pod.toString());
    String events = kubectl.run("-n", "init", "get", "events", "--field-selector", "involvedObject.name=bounded")
        .assertOk().stdout();
    assertTrue(events.contains("DeadlineExceeded"), events);
  }

  private void await(String what, Supplier<Boolean> condition) {
    Poll.value(what, WAIT, Duration.ofMillis(250), () -> condition.get() ? Boolean.TRUE : null, gantry::logTail);
  }
}
