package io.gantry.control.server.controller.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.MutableClock;
import io.gantry.control.server.controller.WorkloadControllers;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Job controller against a real store; pod phases are written as a node agent would write them. */
class JobControllerTest {

  private static final String NS = "demo";

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-04T05:06:07Z"));
  private SqliteStore store;
  private ObjectRegistry registry;
  private JobController controller;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, clock);
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"" + NS + "\"}}"));
    controller = JobController.start(registry.as("job-controller"), new ObjectWatcher(store));
  }

  @AfterEach
  void close() {
    controller.close();
    store.close();
  }

  @Test
  void threeCompletionsTwoAtATimeRunTwoPodsThenOneAndComplete() throws Exception {
    job("pi", "\"completions\":3,\"parallelism\":2");
    await(() -> pods().size() == 2 && status().path("active").asInt() == 2);
    JsonNode started = status();
    assertEquals("2026-03-04T05:06:07Z", started.path("startTime").asText());
    assertEquals(0, started.path("ready").asInt(-1));
    assertEquals(0, started.path("terminating").asInt(-1));
    ObjectNode first = pods().get(0);
    assertTrue(ObjectMeta.name(first).startsWith("pi-"), ObjectMeta.name(first));
    assertEquals("pi", first.at("/metadata/labels/batch.kubernetes.io~1job-name").asText());
    assertEquals("Job", first.at("/metadata/ownerReferences/0/kind").asText());
    assertTrue(first.at("/metadata/ownerReferences/0/controller").asBoolean());

    for (ObjectNode pod : pods()) {
      phase(pod, "Succeeded", 0);
    }
    await(() -> pods().size() == 3 && status().path("succeeded").asInt() == 2 && status().path("active").asInt() == 1);

    pods().stream().filter(p -> p.at("/status/phase").asText().equals("Pending")).forEach(p -> phase(p, "Succeeded", 0));
    await(() -> JobConditions.isTrue(status(), "Complete"));
    JsonNode done = status();
    assertEquals(3, done.path("succeeded").asInt());
    assertFalse(done.has("active"));
    assertEquals("2026-03-04T05:06:07Z", done.path("completionTime").asText());
    assertEquals(List.of("SuccessCriteriaMet", "Complete"), conditionTypes(done));
    assertEquals("CompletionsReached", done.at("/conditions/1/reason").asText());
    assertEquals(3, pods().size(), "a finished Job keeps its pods, for their logs");
    await(() -> events().contains("Job completed") && events().contains("Created pod: " + ObjectMeta.name(first)));
  }

  @Test
  void failuresBeyondTheBackoffLimitFailTheJobAfterABackoff() throws Exception {
    job("flaky", "\"backoffLimit\":1");
    await(() -> pods().size() == 1);
    phase(pods().get(0), "Failed", 1);
    await(() -> status().path("failed").asInt() == 1);
    Thread.sleep(300);
    assertEquals(1, pods().size(), "the replacement waits out the 10 s back-off");

    clock.advance(Duration.ofSeconds(11));
    controller.resyncAll();
    await(() -> pods().size() == 2);
    pods().stream().filter(p -> p.at("/status/phase").asText().equals("Pending")).forEach(p -> phase(p, "Failed", 1));
    await(() -> JobConditions.isTrue(status(), "Failed"));
    JsonNode failed = status();
    assertEquals(2, failed.path("failed").asInt());
    assertEquals(List.of("FailureTarget", "Failed"), conditionTypes(failed));
    assertEquals("BackoffLimitExceeded", failed.at("/conditions/1/reason").asText());
    assertEquals("Job has reached the specified backoff limit", failed.at("/conditions/1/message").asText());
    assertFalse(failed.has("completionTime"));
    await(() -> events().contains("BackoffLimitExceeded"));
  }

  @Test
  void anActiveDeadlineFailsTheJobAndDeletesItsActivePods() throws Exception {
    job("slow", "\"activeDeadlineSeconds\":10");
    await(() -> pods().size() == 1);
    phase(pods().get(0), "Running", 0);

    clock.advance(Duration.ofSeconds(11));
    controller.resyncAll();
    await(() -> JobConditions.isTrue(status(), "Failed"));
    JsonNode failed = status();
    assertEquals("DeadlineExceeded", failed.at("/conditions/1/reason").asText());
    assertEquals("Job was active longer than specified deadline", failed.at("/conditions/1/message").asText());
    assertEquals(1, failed.path("failed").asInt(), "the stopped pod counts as failed");
    assertEquals(List.of(), pods());
    await(() -> events().contains("DeadlineExceeded") && events().contains("SuccessfulDelete"));
  }

  @Test
  void aSuspendedJobRunsNoPodsUntilResumed() throws Exception {
    job("later", "\"suspend\":true");
    await(() -> JobConditions.isTrue(status(), "Suspended"));
    assertEquals("JobSuspended", status().at("/conditions/0/reason").asText());
    assertEquals("Job suspended", status().at("/conditions/0/message").asText());
    assertFalse(status().has("startTime"));
    assertEquals(List.of(), pods());

    clock.advance(Duration.ofSeconds(30));
    setSuspend("later", false);
    await(() -> pods().size() == 1 && status().at("/conditions/0/status").asText().equals("False"));
    assertEquals("JobResumed", status().at("/conditions/0/reason").asText());
    assertEquals("2026-03-04T05:06:37Z", status().path("startTime").asText());

    setSuspend("later", true);
    await(() -> pods().isEmpty() && JobConditions.isTrue(status(), "Suspended"));
    assertFalse(status().has("failed"), "pods stopped by a suspension are not failures");
    await(() -> events().contains("Job resumed"));
  }

  @Test
  void anIndexedJobRunsOnePodPerIndexAndRecordsTheCompletedOnes() throws Exception {
    job("idx", "\"completions\":2,\"parallelism\":2,\"completionMode\":\"Indexed\"");
    await(() -> pods().size() == 2);
    ObjectNode one = pods().stream().filter(p -> JobPods.index(p) == 1).findFirst().orElseThrow();
    assertTrue(ObjectMeta.name(one).startsWith("idx-1-"), ObjectMeta.name(one));
    assertEquals("idx-1", one.at("/spec/hostname").asText());
    assertEquals("1", one.at("/metadata/labels/batch.kubernetes.io~1job-completion-index").asText());
    assertEquals("JOB_COMPLETION_INDEX", one.at("/spec/containers/0/env/0/name").asText());
    assertEquals("metadata.annotations['batch.kubernetes.io/job-completion-index']",
        one.at("/spec/containers/0/env/0/valueFrom/fieldRef/fieldPath").asText());

    phase(one, "Succeeded", 0);
    await(() -> status().path("completedIndexes").asText().equals("1"));
    phase(pods().stream().filter(p -> JobPods.index(p) == 0).findFirst().orElseThrow(), "Succeeded", 0);
    await(() -> JobConditions.isTrue(status(), "Complete"));
    assertEquals("0,1", status().path("completedIndexes").asText());
    assertEquals(2, status().path("succeeded").asInt());
  }

  @Test
  void aFinishedJobIsDeletedWithItsPodsOnceItsTtlPassed() throws Exception {
    try (WorkloadControllers gc = WorkloadControllers.start(registry, new ObjectWatcher(store))) {
      job("once", "\"ttlSecondsAfterFinished\":5");
      await(() -> pods().size() == 1);
      phase(pods().get(0), "Succeeded", 0);
      await(() -> JobConditions.isTrue(status(), "Complete"));
      Thread.sleep(200);
      assertTrue(registry.find(ResourceTypes.JOBS, NS, "once").isPresent(), "kept until its TTL passed");

      clock.advance(Duration.ofSeconds(6));
      controller.resyncAll();
      await(() -> registry.find(ResourceTypes.JOBS, NS, "once").isEmpty() && pods().isEmpty());
    }
  }

  @Test
  void aJobManagedByAnotherControllerIsLeftToIt() throws Exception {
    job("elsewhere", "\"managedBy\":\"example.com/multikueue\"");
    job("here", "\"managedBy\":\"kubernetes.io/job-controller\"");

    await(() -> pods().size() == 1);
    Thread.sleep(300); // what the controller would have done for "elsewhere" by now
    assertEquals(List.of("here"), pods().stream().map(p -> p.at("/metadata/labels/job-name").asText()).toList());
    assertFalse(registry.get(ResourceTypes.JOBS, NS, "elsewhere").path("status").has("startTime"));
  }

  @Test
  void aDeletedPodFinishedWhenItsDeletionWasAskedNotWhenItsGracePeriodEnds() {
    ObjectNode deleted = json("{\"metadata\":{\"name\":\"p\",\"deletionTimestamp\":\"2026-03-04T05:07:07Z\","
        + "\"deletionGracePeriodSeconds\":30},\"status\":{\"phase\":\"Running\"}}");
    ObjectNode unready = json("{\"metadata\":{\"name\":\"p\",\"deletionTimestamp\":\"2026-03-04T05:07:07Z\","
        + "\"deletionGracePeriodSeconds\":30},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\","
        + "\"lastTransitionTime\":\"2026-03-04T05:06:30Z\"}]}}");

    assertEquals(Instant.parse("2026-03-04T05:06:37Z"), JobPods.finishedAt(deleted, clock.instant()));
    assertEquals(Instant.parse("2026-03-04T05:06:30Z"), JobPods.finishedAt(unready, clock.instant()));
  }

  private void job(String name, String spec) throws ApiException {
    registry.create(ResourceTypes.JOBS, NS, json("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{" + spec
        + (spec.isEmpty() ? "" : ",") + "\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":"
        + "[{\"name\":\"c\",\"image\":\"/bin/sh\",\"command\":[\"-c\",\"true\"]}]}}}}"));
  }

  private void setSuspend(String name, boolean suspend) throws ApiException {
    ObjectNode job = registry.get(ResourceTypes.JOBS, NS, name);
    ((ObjectNode) job.get("spec")).put("suspend", suspend);
    registry.update(ResourceTypes.JOBS, NS, name, job, null);
  }

  /** Writes the pod's phase and its container's state, as the node agent reports them. */
  private void phase(ObjectNode pod, String phase, int exitCode) {
    try {
      ObjectNode fresh = registry.get(ResourceTypes.PODS, NS, ObjectMeta.name(pod));
      ObjectNode status = fresh.putObject("status").put("phase", phase);
      ObjectNode container = status.putArray("containerStatuses").addObject().put("name", "c").put("ready", false)
          .put("restartCount", 0).put("image", "/bin/sh").put("imageID", "");
      if (phase.equals("Running")) {
        container.putObject("state").putObject("running").put("startedAt", ObjectMeta.timestamp(clock.instant()));
      } else {
        container.putObject("state").putObject("terminated").put("exitCode", exitCode)
            .put("finishedAt", ObjectMeta.timestamp(clock.instant()));
      }
      registry.update(ResourceTypes.PODS, NS, ObjectMeta.name(pod), fresh, "status");
    } catch (ApiException e) {
      throw new AssertionError(e);
    }
  }

  private List<ObjectNode> pods() {
    try {
      return registry.list(ResourceTypes.PODS, NS, null, null, 0, null).items().stream()
          .filter(p -> !ObjectMeta.isDeleting(p)).toList();
    } catch (ApiException e) {
      throw new AssertionError(e);
    }
  }

  private JsonNode status() {
    return registry.find(ResourceTypes.JOBS, NS, onlyJob()).map(j -> j.path("status")).orElse(Json.object());
  }

  private String onlyJob() {
    try {
      List<ObjectNode> jobs = registry.list(ResourceTypes.JOBS, NS, null, null, 0, null).items();
      return jobs.isEmpty() ? "" : ObjectMeta.name(jobs.get(0));
    } catch (ApiException e) {
      throw new AssertionError(e);
    }
  }

  private String events() {
    try {
      return registry.list(ResourceTypes.EVENTS, NS, null, null, 0, null).items().toString();
    } catch (ApiException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> conditionTypes(JsonNode status) {
    List<String> types = new java.util.ArrayList<>();
    status.path("conditions").forEach(c -> types.add(c.path("type").asText()));
    return types;
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(10);
    }
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
