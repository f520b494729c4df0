package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ResourceQuota as kube-apiserver stores it: an empty status on create, quantities in canonical form. */
class ResourceQuotaDefaultsTest {

  @TempDir
  Path dir;

  @Test
  void aCreatedQuotaHasAnEmptyStatusAndCanonicalQuantities() throws ApiException {
    try (SqliteStore store = SqliteStore.open(dir.resolve("store.db"))) {
      ObjectRegistry registry = new ObjectRegistry(store, Clock.systemUTC());
      registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
      ObjectNode quota = registry.create(ResourceTypes.RESOURCEQUOTAS, "demo", json("{\"metadata\":{\"name\":\"q\"},"
          + "\"spec\":{\"hard\":{\"cpu\":\"1000m\",\"memory\":\"1024Mi\",\"pods\":10,\"requests.storage\":\"1.5Gi\"}},"
          + "\"status\":{\"used\":{\"pods\":\"3\"}}}"));
      assertEquals("{\"cpu\":\"1\",\"memory\":\"1Gi\",\"pods\":\"10\",\"requests.storage\":\"1536Mi\"}",
          quota.at("/spec/hard").toString());
      assertEquals("{}", quota.path("status").toString(), "the controller fills the status in, not the client");
    }
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
