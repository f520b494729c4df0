package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.MutableClock;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SetDefaults_StorageClass and the DefaultStorageClass admission plugin through the registry. */
class DefaultStorageClassAdmissionTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private MutableClock clock;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    clock = new MutableClock(Instant.parse("2024-05-01T12:00:00Z"));
    registry = new ObjectRegistry(store, clock, List.of(new DefaultStorageClassAdmission(store)));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aClassIsDefaultedToDeleteAndImmediate() throws ApiException {
    ObjectNode plain = storageClass("plain", false);
    assertEquals("Delete", plain.path("reclaimPolicy").asText());
    assertEquals("Immediate", plain.path("volumeBindingMode").asText());
    ObjectNode kept = registry.create(ResourceTypes.STORAGECLASSES, null, json("""
        {"metadata": {"name": "kept"}, "provisioner": "p", "reclaimPolicy": "Retain",
         "volumeBindingMode": "WaitForFirstConsumer"}
        """));
    assertEquals("Retain", kept.path("reclaimPolicy").asText());
    assertEquals("WaitForFirstConsumer", kept.path("volumeBindingMode").asText());
  }

  @Test
  void withoutADefaultClassAClaimIsLeftAlone() throws ApiException {
    storageClass("fast", false);
    assertTrue(claim("c", "").at("/spec/storageClassName").isMissingNode());
  }

  @Test
  void aClaimWithoutAClassGetsTheDefaultOneButAnExplicitClassOrEmptyStringIsKept() throws ApiException {
    storageClass("fast", false);
    storageClass("standard", true);
    assertEquals("standard", claim("none", "").at("/spec/storageClassName").asText());
    assertEquals("standard", claim("nulled", ",\"storageClassName\":null").at("/spec/storageClassName").asText());
    assertEquals("", claim("empty", ",\"storageClassName\":\"\"").at("/spec/storageClassName").asText());
    assertEquals("fast", claim("fast", ",\"storageClassName\":\"fast\"").at("/spec/storageClassName").asText());
    ObjectNode beta = registry.create(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo", json("""
        {"metadata": {"name": "beta", "annotations": {"volume.beta.kubernetes.io/storage-class": "fast"}},
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}
        """));
    assertTrue(beta.at("/spec/storageClassName").isMissingNode(), "the beta annotation names a class");
  }

  @Test
  void ofSeveralDefaultsTheNewestWinsThenTheLowestName() throws ApiException {
    storageClass("older", true);
    clock.advance(Duration.ofSeconds(5));
    storageClass("zeta", true);
    storageClass("newer", true);
    assertEquals("newer", claim("c", "").at("/spec/storageClassName").asText());
  }

  @Test
  void theBetaDefaultAnnotationCountsAndUpdatesAreNotDefaulted() throws ApiException {
    ObjectNode claim = claim("before", "");
    registry.create(ResourceTypes.STORAGECLASSES, null, json("""
        {"metadata": {"name": "legacy", "annotations": {"storageclass.beta.kubernetes.io/is-default-class": "true"}},
         "provisioner": "p"}
        """));
    ObjectNode updated = registry.update(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo", "before", claim, null);
    assertTrue(updated.at("/spec/storageClassName").isMissingNode(), "only creates are admitted");
    assertEquals("legacy", claim("after", "").at("/spec/storageClassName").asText());
  }

  private ObjectNode storageClass(String name, boolean isDefault) throws ApiException {
    String annotations = isDefault ? ",\"annotations\":{\"storageclass.kubernetes.io/is-default-class\":\"true\"}" : "";
    return registry.create(ResourceTypes.STORAGECLASSES, null, json("{\"metadata\":{\"name\":\"" + name + "\""
        + annotations + "},\"provisioner\":\"example.com/" + name + "\"}"));
  }

  private ObjectNode claim(String name, String spec) throws ApiException {
    return registry.create(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo", json("{\"metadata\":{\"name\":\"" + name
        + "\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}"
        + spec + "}}"));
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
