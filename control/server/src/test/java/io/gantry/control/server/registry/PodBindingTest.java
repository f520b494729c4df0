package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodBindingTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.fixed(NOW, ZoneOffset.UTC));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
    registry.create(ResourceTypes.PODS, "demo",
        json("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void bindingSetsNodeNameAnnotationsAndPodScheduled() throws ApiException {
    ObjectNode bound = registry.bind("demo", "web", json("""
        {"metadata":{"name":"web","annotations":{"scheduled-by":"test"}},"target":{"kind":"Node","name":"n1"}}"""));

    assertEquals("n1", bound.at("/spec/nodeName").asText());
    assertEquals("test", bound.at("/metadata/annotations/scheduled-by").asText());
    JsonNode condition = bound.at("/status/conditions/0");
    assertEquals("PodScheduled", condition.path("type").asText());
    assertEquals("True", condition.path("status").asText());
    assertEquals("2026-01-02T03:04:05Z", condition.path("lastTransitionTime").asText());
    assertEquals("n1", registry.get(ResourceTypes.PODS, "demo", "web").at("/spec/nodeName").asText());
  }

  @Test
  void aBoundPodCannotBeBoundAgain() throws ApiException {
    registry.bind("demo", "web", json("{\"target\":{\"name\":\"n1\"}}"));

    ApiException e = assertThrows(ApiException.class,
        () -> registry.bind("demo", "web", json("{\"target\":{\"name\":\"n2\"}}")));

    assertEquals(409, e.code());
    assertEquals("Operation cannot be fulfilled on pods/binding \"web\": pod web is already assigned to node \"n1\"",
        e.getMessage());
  }

  @Test
  void bindingChecksItsOwnFieldsAndTheUidPrecondition() {
    assertEquals(422, assertThrows(ApiException.class,
        () -> registry.bind("demo", "web", json("{\"target\":{\"kind\":\"Node\"}}"))).code());
    assertEquals(400, assertThrows(ApiException.class,
        () -> registry.bind("demo", "web", json("{\"metadata\":{\"name\":\"other\"},\"target\":{\"name\":\"n1\"}}")))
        .code());
    ApiException stale = assertThrows(ApiException.class, () -> registry.bind("demo", "web",
        json("{\"metadata\":{\"uid\":\"not-the-pod\"},\"target\":{\"name\":\"n1\"}}")));
    assertEquals(409, stale.code());
    assertEquals(404, assertThrows(ApiException.class,
        () -> registry.bind("demo", "gone", json("{\"target\":{\"name\":\"n1\"}}"))).code());
  }

  @Test
  void leasesWithMicroTimesDecode() throws ApiException {
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"kube-node-lease\"}}"));
    ObjectNode lease = registry.create(ResourceTypes.LEASES, "kube-node-lease", json("""
        {"metadata":{"name":"n1"},"spec":{"holderIdentity":"n1","leaseDurationSeconds":40,
         "renewTime":"2026-01-02T03:04:05.123456Z"}}"""));

    assertEquals("2026-01-02T03:04:05.123456Z", lease.at("/spec/renewTime").asText());
    ApiException e = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.LEASES, "kube-node-lease",
        json("{\"metadata\":{\"name\":\"n2\"},\"spec\":{\"renewTime\":\"yesterday\"}}")));
    assertEquals(400, e.code());
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
