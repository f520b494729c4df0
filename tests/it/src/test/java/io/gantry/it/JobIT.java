package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.Kubectl;
import io.gantry.testing.Poll;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Jobs that really run: {@code kubectl create job} on a one-node loopback cluster runs its pod to
 * completion, {@code kubectl wait --for=condition=complete} returns, {@code kubectl logs job/...}
 * prints what the pod printed and {@code kubectl get jobs} counts 1/1; a Job whose pods exit 1
 * fails once its backoff limit is passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private GantryProcess gantry;
  private Kubectl kubectl;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start("--nodes", "1", "--network", "loopback");
    kubectl = gantry.kubectl();
    Poll.until("the node Ready", WAIT, Duration.ofMillis(200), () -> {
      for (JsonNode node : kubectl.run("get", "nodes", "-o", "json").assertOk().json().path("items")) {
        if ("True".equals(Json.condition(node, "Ready"))) {
          return true;
        }
      }
      return false;
    }, () -> kubectl.run("get", "nodes").stdout());
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void aJobRunsToCompletionAndShowsItsLogs() {
    // as on a container runtime, the command replaces the image's entrypoint: the image here is the executable
    kubectl.run("create", "job", "hello", "--image=/bin/sh", "--", "/bin/sh", "-c", "echo hello from job")
        .assertOk().assertStdoutContains("job.batch/hello created");
    kubectl.run("wait", "--for=condition=complete", "job/hello", "--timeout=60s").assertOk()
        .assertStdoutContains("job.batch/hello condition met");

    kubectl.run("logs", "job/hello").assertOk().assertStdoutContains("hello from job");
    Map<String, String> row = kubectl.run("get", "jobs").assertOk().table().rowNamed("hello");
    assertEquals("1/1", row.get("COMPLETIONS"));
    assertEquals("Complete", row.get("STATUS"));
    JsonNode job = kubectl.run("get", "job", "hello", "-o", "json").assertOk().json();
    assertEquals(1, job.at("/status/succeeded").asInt());
    assertEquals("True", Json.condition(job, "SuccessCriteriaMet"));
    JsonNode pods = kubectl.run("get", "pods", "-l", "job-name=hello", "-o", "json").assertOk().json();
    assertEquals(1, pods.path("items").size(), "the finished Job keeps its pod");
    assertEquals("Succeeded", pods.at("/items/0/status/phase").asText());

    kubectl.run("delete", "job", "hello").assertOk();
    Poll.until("the Job's pod deleted with it", WAIT, Duration.ofMillis(200),
        () -> kubectl.run("get", "pods", "-l", "job-name=hello", "-o", "json").assertOk().json().path("items").isEmpty(),
        () -> kubectl.run("get", "pods").stdout());
  }

  @Test
  void aJobWhosePodsFailFailsPastItsBackoffLimit() {
    kubectl.runWithInput("""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: broken}
        spec:
          backoffLimit: 1
          template:
            spec:
              restartPolicy: Never
              containers:
              - {name: main, image: /bin/sh, command: [/bin/sh, -c, "echo failing; exit 1"]}
        """, "apply", "-f", "-").assertOk();
    kubectl.run("wait", "--for=condition=failed", "job/broken", "--timeout=60s").assertOk();
    JsonNode job = kubectl.run("get", "job", "broken", "-o", "json").assertOk().json();
    assertEquals(2, job.at("/status/failed").asInt(), "the first pod and its one retry");
    String reasons = job.at("/status/conditions").toString();
    assertTrue(reasons.contains("\"reason\":\"BackoffLimitExceeded\""), reasons);
    assertEquals("Failed", kubectl.run("get", "jobs").assertOk().table().rowNamed("broken").get("STATUS"));
    kubectl.run("get", "events").assertOk()
        .assertStdoutContains("Job has reached the specified backoff limit");
  }
}
