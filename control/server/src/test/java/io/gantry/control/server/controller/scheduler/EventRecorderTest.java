package io.gantry.control.server.controller.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.MutableClock;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventRecorderTest {

  @TempDir
  Path dir;

  @Test
  void repeatsBumpCountAndLastTimestampOfOneEvent() throws ApiException {
    try (SqliteStore store = SqliteStore.open(dir.resolve("store.db"))) {
      MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
      ObjectRegistry registry = new ObjectRegistry(store, clock);
      registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"default\"}}"));
      ObjectNode pod = registry.create(ResourceTypes.PODS, "default",
          json("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"));
      EventRecorder recorder = new EventRecorder(registry, clock, "default-scheduler");

      recorder.record(pod, "Warning", "FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.");
      clock.advance(Duration.ofSeconds(7));
      recorder.record(pod, "Warning", "FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.");
      recorder.record(pod, "Warning", "FailedScheduling", "0/1 nodes are available: 1 Insufficient memory.");

      List<ObjectNode> events = registry.list(ResourceTypes.EVENTS, "default", null, null, 0, null).items();
      assertEquals(2, events.size(), "a different message is a different event");
      ObjectNode repeated = events.stream().filter(e -> e.path("message").asText().endsWith("cpu.")).findFirst()
          .orElseThrow();
      assertEquals(2, repeated.path("count").asInt());
      assertEquals("2026-01-02T03:04:05Z", repeated.path("firstTimestamp").asText());
      assertEquals("2026-01-02T03:04:12Z", repeated.path("lastTimestamp").asText());
    }
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
