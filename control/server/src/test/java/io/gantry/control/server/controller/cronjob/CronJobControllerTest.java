package io.gantry.control.server.controller.cronjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.MutableClock;
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
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CronJob controller against a real store; Jobs are finished by writing their status as the Job controller would. */
class CronJobControllerTest {

  private static final String NS = "demo";
  private static final Instant START = Instant.parse("2026-03-04T05:06:07Z");

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(START);
  private SqliteStore store;
  private ObjectRegistry registry;
  private CronJobController controller;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, clock);
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"" + NS + "\"}}"));
    controller = CronJobController.start(registry.as("cronjob-controller"), new ObjectWatcher(store), ZoneOffset.UTC);
  }

  @AfterEach
  void close() {
    controller.close();
    store.close();
  }

  @Test
  void aMinutelyCronJobCreatesItsJobOnceTheMinuteComes() throws Exception {
    cronJob("hello", "");
    Thread.sleep(200);
    assertEquals(List.of(), jobNames(), "nothing is due before the first minute");

    tick();
    String name = "hello-" + Instant.parse("2026-03-04T05:07:00Z").getEpochSecond() / 60;
    await(() -> jobNames().equals(List.of(name)) && status().path("active").size() == 1);
    ObjectNode job = registry.get(ResourceTypes.JOBS, NS, name);
    assertEquals("2026-03-04T05:07:00Z", job.at("/metadata/annotations/batch.kubernetes.io~1cronjob-scheduled-timestamp").asText());
    assertEquals("nightly", job.at("/metadata/labels/team").asText(), "the template's labels");
    assertEquals("CronJob", job.at("/metadata/ownerReferences/0/kind").asText());
    assertTrue(job.at("/metadata/ownerReferences/0/controller").asBoolean());
    assertEquals("OnFailure", job.at("/spec/template/spec/restartPolicy").asText());
    assertEquals(6, job.at("/spec/backoffLimit").asInt(), "the Job is defaulted when it is created");
    JsonNode status = status();
    assertEquals("2026-03-04T05:07:00Z", status.path("lastScheduleTime").asText());
    assertEquals(name, status.at("/active/0/name").asText());
    assertEquals(ObjectMeta.text(job, "uid"), status.at("/active/0/uid").asText());
    await(() -> events().contains("Created job " + name));

    finish(name, "Complete");
    await(() -> !status().has("active") && status().has("lastSuccessfulTime"));
    await(() -> events().contains("Saw completed job: " + name + ", condition: Complete"));
  }

  @Test
  void forbidSkipsTheScheduleWhileAJobIsActive() throws Exception {
    cronJob("once", "\"concurrencyPolicy\":\"Forbid\",");
    tick();
    await(() -> jobNames().size() == 1);
    tick();
    await(() -> events().contains("Not starting job because prior execution is running and concurrency policy is Forbid"));
    assertEquals(1, jobNames().size());

    finish(jobNames().get(0), "Complete");
    await(() -> jobNames().size() == 2);
  }

  @Test
  void replaceDeletesTheActiveJobFirst() throws Exception {
    cronJob("swap", "\"concurrencyPolicy\":\"Replace\",");
    tick();
    await(() -> jobNames().size() == 1);
    String first = jobNames().get(0);
    tick();
    await(() -> {
      List<String> names = jobNames();
      return names.size() == 1 && !names.get(0).equals(first);
    });
    await(() -> events().contains("Deleted job " + first));
    assertEquals(1, status().path("active").size());
  }

  @Test
  void finishedJobsBeyondTheHistoryLimitsAreDeletedOldestFirst() throws Exception {
    cronJob("hist", "\"successfulJobsHistoryLimit\":1,\"failedJobsHistoryLimit\":1,");
    for (int i = 1; i <= 3; i++) {
      tick();
      int expected = i;
      await(() -> status().path("active").size() == 1 && jobNames().size() >= Math.min(expected, 2));
      String newest = status().at("/active/0/name").asText();
      finish(newest, i == 2 ? "Failed" : "Complete");
      await(() -> !status().has("active"));
    }
    long minute = Instant.parse("2026-03-04T05:07:00Z").getEpochSecond() / 60;
    await(() -> jobNames().equals(List.of("hist-" + (minute + 1), "hist-" + (minute + 2))));
  }

  @Test
  void aSuspendedCronJobCreatesNothing() throws Exception {
    cronJob("paused", "\"suspend\":true,");
    tick();
    Thread.sleep(300);
    assertEquals(List.of(), jobNames());
  }

  /** Moves the clock a minute on and queues the CronJobs, as their timers would. */
  private void tick() {
    clock.advance(Duration.ofMinutes(1));
    controller.resyncAll();
  }

  private void cronJob(String name, String spec) throws ApiException {
    registry.create(ResourceTypes.CRONJOBS, NS, json("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{" + spec
        + "\"schedule\":\"*/1 * * * *\",\"jobTemplate\":{\"metadata\":{\"labels\":{\"team\":\"nightly\"}},"
        + "\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"OnFailure\",\"containers\":"
        + "[{\"name\":\"c\",\"image\":\"busybox\"}]}}}}}}"));
  }

  /** Writes the Job's finished conditions as the Job controller does. */
  private void finish(String name, String condition) throws ApiException {
    ObjectNode job = registry.get(ResourceTypes.JOBS, NS, name);
    ObjectNode status = job.putObject("status");
    String now = ObjectMeta.timestamp(clock.instant());
    status.put("startTime", now);
    if (condition.equals("Complete")) {
      status.put("completionTime", now);
    }
    status.putArray("conditions").addObject().put("type", condition).put("status", "True")
        .put("lastProbeTime", now).put("lastTransitionTime", now);
    registry.update(ResourceTypes.JOBS, NS, name, job, "status");
  }

  private List<String> jobNames() {
    try {
      return registry.list(ResourceTypes.JOBS, NS, null, null, 0, null).items().stream()
          .filter(j -> !ObjectMeta.isDeleting(j)).map(ObjectMeta::name).sorted().toList();
    } catch (ApiException e) {
      throw new AssertionError(e);
    }
  }

  private JsonNode status() {
    try {
      return registry.list(ResourceTypes.CRONJOBS, NS, null, null, 0, null).items().get(0).path("status");
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

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in time");
      }
      Thread.sleep(10);
    }
  }
}
