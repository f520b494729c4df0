package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BindingEndpointTest {

  @TempDir
  Path dir;

  @Test
  void postBindingAssignsThePodAndAnswersSuccess() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir.resolve("store.db"))) {
      ObjectRegistry registry = new ObjectRegistry(store, Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"),
          ZoneOffset.UTC));
      registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"default\"}}"));
      registry.create(ResourceTypes.PODS, "default",
          json("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"));
      ApiRouter router = new ApiRouter(registry, "test");
      byte[] body = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"web\"},\"target\":{\"name\":\"n1\"}}"
          .getBytes(StandardCharsets.UTF_8);

      ApiResponse first = router.handle(new ApiRequest("POST", "/api/v1/namespaces/default/pods/web/binding", Map.of(),
          "application/json", "application/json", body));
      ApiResponse second = router.handle(new ApiRequest("POST", "/api/v1/namespaces/default/pods/web/binding", Map.of(),
          "application/json", "application/json", body));

      assertEquals(201, first.status());
      assertEquals("Success", Json.parseObject(first.body()).path("status").asText());
      assertEquals("n1", registry.get(ResourceTypes.PODS, "default", "web").at("/spec/nodeName").asText());
      assertEquals(409, second.status());
      assertEquals("Conflict", Json.parseObject(second.body()).path("reason").asText());
    }
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
