package io.gantry.control.server.controller.resourcequota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.registry.ResourceQuotaAdmission;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resource quota controller with the admission plugin, on a real store: usage follows the namespace. */
class ResourceQuotaControllerTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;
  private ResourceQuotaController controller;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC(), List.of(new ResourceQuotaAdmission(store, Clock.systemUTC())));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
    registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"before\"}}"));
    controller = ResourceQuotaController.start(registry.as("resourcequota-controller"), new ObjectWatcher(store),
        Duration.ofSeconds(1));
  }

  @AfterEach
  void close() {
    controller.close();
    store.close();
  }

  @Test
  void usageIsCountedWhenTheQuotaIsCreatedAndFollowsCreatesAndDeletes() throws Exception {
    registry.create(ResourceTypes.RESOURCEQUOTAS, "demo", json("{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":"
        + "{\"configmaps\":\"3\",\"pods\":\"2\",\"requests.memory\":\"1Gi\",\"resourcequotas\":\"1\"}}}"));
    await(() -> used().path("resourcequotas").asText().equals("1"));
    assertEquals("{\"configmaps\":\"1\",\"pods\":\"0\",\"requests.memory\":\"0\",\"resourcequotas\":\"1\"}",
        used().toString());
    assertEquals("{\"configmaps\":\"3\",\"pods\":\"2\",\"requests.memory\":\"1Gi\",\"resourcequotas\":\"1\"}",
        quota().path("status").path("hard").toString());

    registry.create(ResourceTypes.PODS, "demo", json("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":"
        + "[{\"name\":\"c\",\"image\":\"nginx\",\"resources\":{\"requests\":{\"memory\":\"256Mi\"}}}]}}"));
    assertEquals("256Mi", used().path("requests.memory").asText(), "admission charged the create at once");

    registry.delete(ResourceTypes.CONFIGMAPS, "demo", "before", DeleteOptions.DEFAULT);
    registry.delete(ResourceTypes.PODS, "demo", "web", DeleteOptions.DEFAULT);
    await(() -> used().path("pods").asText().equals("0") && used().path("configmaps").asText().equals("0"));
    assertEquals("0", used().path("requests.memory").asText());
  }

  @Test
  void aPodThatFinishesStopsCountingButItsObjectStillDoes() throws Exception {
    registry.create(ResourceTypes.RESOURCEQUOTAS, "demo", json("{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":"
        + "{\"pods\":\"5\",\"count/pods\":\"5\"}}}"));
    await(() -> used().has("pods"));
    ObjectNode pod = registry.create(ResourceTypes.PODS, "demo", json("{\"metadata\":{\"name\":\"job\"},\"spec\":"
        + "{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"));
    assertEquals("1", used().path("pods").asText());
    ((ObjectNode) pod.get("status")).put("phase", "Succeeded");
    registry.update(ResourceTypes.PODS, "demo", "job", pod, "status");
    await(() -> used().path("pods").asText().equals("0"));
    assertEquals("1", used().path("count/pods").asText());
  }

  @Test
  void aHardLimitChangedInSpecReachesStatusAndAnEditedStatusIsResetOnResync() throws Exception {
    registry.create(ResourceTypes.RESOURCEQUOTAS, "demo", json("{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":"
        + "{\"secrets\":\"3\"}}}"));
    await(() -> used().has("secrets"));
    ObjectNode quota = quota();
    ((ObjectNode) quota.get("spec").get("hard")).put("secrets", "7");
    registry.update(ResourceTypes.RESOURCEQUOTAS, "demo", "q", quota, null);
    await(() -> quota().path("status").path("hard").path("secrets").asText().equals("7"));

    ObjectNode edited = quota();
    ((ObjectNode) edited.get("status").get("hard")).put("secrets", "100");
    registry.update(ResourceTypes.RESOURCEQUOTAS, "demo", "q", edited, "status");
    await(() -> quota().path("status").path("hard").path("secrets").asText().equals("7"));
  }

  private ObjectNode quota() {
    return registry.find(ResourceTypes.RESOURCEQUOTAS, "demo", "q").orElseThrow();
  }

  private JsonNode used() {
    return quota().path("status").path("used");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(20);
    }
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
