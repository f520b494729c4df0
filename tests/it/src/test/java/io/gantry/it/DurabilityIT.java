package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.ApiClient;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What the server acknowledged survives SIGKILL and restarts; resourceVersions are never reused. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DurabilityIT {

  private static final int WRITERS = 4;
  private static final int MIN_ACKNOWLEDGED = 20;

  private GantryProcess gantry;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void everyAcknowledgedCreateSurvivesSigkill() throws InterruptedException {
    ApiClient api = gantry.api();
    createNamespace(api, "burst");
    Map<String, Acked> acked = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      writers.add(Thread.ofPlatform().name("burst-writer-" + w).start(() -> writeUntilRefused(api, writer, acked, stop)));
    }

    // Kill mid-burst, but only once there is enough acknowledged to check (slow, loaded machines).
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (acked.size() < MIN_ACKNOWLEDGED && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(Duration.ofMillis(500));
    gantry.kill();
    stop.set(true);
    for (Thread writer : writers) {
      writer.join(Duration.ofSeconds(40));
    }
    assertTrue(acked.size() >= MIN_ACKNOWLEDGED, () -> "too few acknowledged writes to prove anything: " + acked.size());
    System.out.printf("DurabilityIT: %d configmaps acknowledged before SIGKILL%n", acked.size());

    gantry.restart();
    ApiClient after = gantry.api();
    HttpResponse<String> list = after.get("/api/v1/namespaces/burst/configmaps");
    assertEquals(200, list.statusCode(), list::body);
    Map<String, JsonNode> stored = new HashMap<>();
    Json.parse(list.body()).path("items").forEach(item -> stored.put(item.at("/metadata/name").asText(), item));
    List<String> lost = new ArrayList<>();
    for (Map.Entry<String, Acked> entry : acked.entrySet()) {
      JsonNode item = stored.get(entry.getKey());
      if (item == null || !item.path("data").equals(entry.getValue().data())) {
        lost.add(entry.getKey() + (item == null ? " (missing)" : " (data " + item.path("data") + ")"));
      }
    }
    assertTrue(lost.isEmpty(), () -> lost.size() + " of " + acked.size() + " acknowledged configmaps lost: " + lost);

    long highestAcked = acked.values().stream().mapToLong(Acked::resourceVersion).max().orElseThrow();
    JsonNode fresh = created(after.post("/api/v1/namespaces/burst/configmaps", configMap("after-crash", "x")));
    long freshVersion = fresh.at("/metadata/resourceVersion").asLong();
    assertTrue(freshVersion > highestAcked,
        () -> "resourceVersion " + freshVersion + " after the crash must exceed every acknowledged one (" + highestAcked + ")");
  }

  @Test
  void restartKeepsObjectsAndResourceVersionsKeepGrowing() {
    ApiClient api = gantry.api();
    createNamespace(api, "restart");
    JsonNode before = created(api.post("/api/v1/namespaces/restart/configmaps", configMap("kept", "v1")));
    long versionBefore = before.at("/metadata/resourceVersion").asLong();

    gantry.restart();

    ApiClient after = gantry.api();
    HttpResponse<String> got = after.get("/api/v1/namespaces/restart/configmaps/kept");
    assertEquals(200, got.statusCode(), got::body);
    JsonNode kept = Json.parse(got.body());
    assertEquals(before.at("/metadata/uid"), kept.at("/metadata/uid"), got::body);
    assertEquals(before.path("data"), kept.path("data"), got::body);
    assertEquals(versionBefore, kept.at("/metadata/resourceVersion").asLong(), got::body);

    HttpResponse<String> patched = after.patch("/api/v1/namespaces/restart/configmaps/kept",
        "application/merge-patch+json", "{\"data\":{\"value\":\"v2\"}}");
    assertEquals(200, patched.statusCode(), patched::body);
    long versionAfterUpdate = Json.parse(patched.body()).at("/metadata/resourceVersion").asLong();
    assertTrue(versionAfterUpdate > versionBefore, patched::body);
    long versionOfNew = created(after.post("/api/v1/namespaces/restart/configmaps", configMap("new", "v1")))
        .at("/metadata/resourceVersion").asLong();
    assertTrue(versionOfNew > versionAfterUpdate, () -> versionOfNew + " after " + versionAfterUpdate);
    long listVersion = Json.parse(after.get("/api/v1/namespaces/restart/configmaps").body())
        .at("/metadata/resourceVersion").asLong();
    assertTrue(listVersion >= versionOfNew, () -> "list resourceVersion " + listVersion + " behind " + versionOfNew);
  }

  private static void writeUntilRefused(ApiClient api, int writer, Map<String, Acked> acked, AtomicBoolean stop) {
    for (int i = 0; !stop.get(); i++) {
      String name = "w" + writer + "-" + i;
      try {
        HttpResponse<String> response = api.post("/api/v1/namespaces/burst/configmaps",
            configMap(name, "writer " + writer + " write " + i));
        if (response.statusCode() == 201) {
          JsonNode body = Json.parse(response.body());
          acked.put(name, new Acked(body.path("data"), body.at("/metadata/resourceVersion").asLong()));
        }
      } catch (UncheckedIOException e) {
        return; // the server is gone; whatever was not acknowledged may or may not be there
      }
    }
  }

  private static void createNamespace(ApiClient api, String name) {
    created(api.post("/api/v1/namespaces",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}"));
  }

  private static String configMap(String name, String value) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\"},\"data\":{\"value\":\"" + value + "\",\"padding\":\"" + "x".repeat(512) + "\"}}";
  }

  private static JsonNode created(HttpResponse<String> response) {
    assertEquals(201, response.statusCode(), response::body);
    return Json.parse(response.body());
  }

  private record Acked(JsonNode data, long resourceVersion) {}
}
