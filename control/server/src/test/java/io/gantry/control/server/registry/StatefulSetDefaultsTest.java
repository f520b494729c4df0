package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.MutableClock;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A StatefulSet through the registry: SetDefaults_StatefulSet, the template's and claim templates'
 * defaults, the status reset and generation of its strategy, and its update validation.
 */
class StatefulSetDefaultsTest {

  private static final String SPEC = "\"serviceName\":\"nginx\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
      + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
      + "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\"}]}}";

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, new MutableClock(Instant.parse("2026-01-02T03:04:05Z")));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void theSpecGetsUpstreamsDefaults() throws ApiException {
    ObjectNode sts = create("{\"metadata\":{\"name\":\"web\"},\"spec\":{" + SPEC + "}}");
    assertEquals("OrderedReady", sts.at("/spec/podManagementPolicy").asText());
    assertEquals(json("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}"), sts.at("/spec/updateStrategy"));
    assertEquals(json("{\"whenDeleted\":\"Retain\",\"whenScaled\":\"Retain\"}"),
        sts.at("/spec/persistentVolumeClaimRetentionPolicy"));
    assertEquals(1, sts.at("/spec/replicas").asInt(-1));
    assertEquals(10, sts.at("/spec/revisionHistoryLimit").asInt(-1));
    assertEquals("Always", sts.at("/spec/template/spec/restartPolicy").asText());
    assertEquals("IfNotPresent", sts.at("/spec/template/spec/containers/0/imagePullPolicy").asText());
  }

  @Test
  void anOnDeleteStrategyOrARollingUpdateWithoutParametersGetsNoPartition() throws ApiException {
    ObjectNode onDelete = create("{\"metadata\":{\"name\":\"a\"},\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\"},"
        + SPEC + "}}");
    assertEquals(json("{\"type\":\"OnDelete\"}"), onDelete.at("/spec/updateStrategy"));
    ObjectNode rolling = create("{\"metadata\":{\"name\":\"b\"},\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\"},"
        + SPEC + "}}");
    assertEquals(json("{\"type\":\"RollingUpdate\"}"), rolling.at("/spec/updateStrategy"));
  }

  @Test
  void claimTemplatesArePersistentVolumeClaimsWithTheirDefaults() throws ApiException {
    ObjectNode sts = create("{\"metadata\":{\"name\":\"web\"},\"spec\":{" + SPEC + ",\"volumeClaimTemplates\":[{"
        + "\"metadata\":{\"name\":\"www\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
        + "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}]}}");
    ObjectNode claim = (ObjectNode) sts.at("/spec/volumeClaimTemplates/0");
    assertEquals("v1", claim.path("apiVersion").asText());
    assertEquals("PersistentVolumeClaim", claim.path("kind").asText());
    assertEquals("Filesystem", claim.at("/spec/volumeMode").asText());
    assertEquals("Pending", claim.at("/status/phase").asText());
  }

  @Test
  void createResetsTheStatusAndSpecChangesBumpTheGeneration() throws ApiException {
    ObjectNode sts = create("{\"metadata\":{\"name\":\"web\"},\"spec\":{" + SPEC + "},\"status\":{\"replicas\":7}}");
    assertEquals(json("{\"replicas\":0,\"availableReplicas\":0}"), sts.get("status"));
    assertEquals(1, sts.at("/metadata/generation").asLong());
    ((ObjectNode) sts.get("spec")).put("replicas", 3);
    ObjectNode updated = registry.update(ResourceTypes.STATEFULSETS, "demo", "web", sts, null);
    assertEquals(2, updated.at("/metadata/generation").asLong());
    ObjectNode status = updated.deepCopy();
    ((ObjectNode) status.get("status")).put("replicas", 3).put("observedGeneration", 2);
    ObjectNode written = registry.update(ResourceTypes.STATEFULSETS, "demo", "web", status, "status");
    assertEquals(2, written.at("/metadata/generation").asLong());
    assertEquals(3, written.at("/status/replicas").asInt());
  }

  @Test
  void aChangedServiceNameIsRefusedInUpstreamWords() throws ApiException {
    ObjectNode sts = create("{\"metadata\":{\"name\":\"web\"},\"spec\":{" + SPEC + "}}");
    ((ObjectNode) sts.get("spec")).put("serviceName", "other");
    ApiException e = assertThrows(ApiException.class,
        () -> registry.update(ResourceTypes.STATEFULSETS, "demo", "web", sts, null));
    assertEquals(422, e.code());
    assertEquals("StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other"
        + " than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit',"
        + " 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden", e.getMessage());
    assertFalse(registry.get(ResourceTypes.STATEFULSETS, "demo", "web").at("/spec/serviceName").asText().equals("other"));
  }

  private ObjectNode create(String body) throws ApiException {
    return registry.create(ResourceTypes.STATEFULSETS, "demo", json(body));
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
