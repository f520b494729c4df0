package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A DaemonSet through the registry: SetDefaults_DaemonSet, the status reset, generation and
 * templateGeneration of daemonSetStrategy, status through {@code /status} only, and its validation.
 */
class DaemonSetDefaultsTest {

  private static final String SPEC = "\"selector\":{\"matchLabels\":{\"app\":\"agent\"}},"
      + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"agent\"}},"
      + "\"spec\":{\"containers\":[{\"name\":\"agent\",\"image\":\"busybox\"}]}}";
  private static final String GENERATION = "deprecated.daemonset.template.generation";

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
  void rollingUpdateOneAtATimeTenRevisionsAndThePodDefaults() throws ApiException {
    ObjectNode ds = create("{\"metadata\":{\"name\":\"agent\"},\"spec\":{" + SPEC + "}}");
    assertEquals(json("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":0}}"),
        ds.at("/spec/updateStrategy"));
    assertEquals(10, ds.at("/spec/revisionHistoryLimit").asInt(-1));
    assertEquals("Always", ds.at("/spec/template/spec/restartPolicy").asText());
    assertEquals("Always", ds.at("/spec/template/spec/containers/0/imagePullPolicy").asText()); // :latest

    ObjectNode onDelete = create("{\"metadata\":{\"name\":\"od\"},\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\"},"
        + "\"revisionHistoryLimit\":0," + SPEC + "}}");
    assertEquals(json("{\"type\":\"OnDelete\"}"), onDelete.at("/spec/updateStrategy"));
    assertEquals(0, onDelete.at("/spec/revisionHistoryLimit").asInt(-1));
  }

  @Test
  void theTemplateGenerationCountsTemplateChangesAndTheGenerationSpecChanges() throws ApiException {
    ObjectNode ds = create("{\"metadata\":{\"name\":\"agent\"},\"spec\":{" + SPEC + "},\"status\":{\"numberReady\":7}}");
    assertEquals(json("{\"currentNumberScheduled\":0,\"numberMisscheduled\":0,\"desiredNumberScheduled\":0,"
        + "\"numberReady\":0}"), ds.get("status"));
    assertEquals(1, ds.at("/metadata/generation").asLong());
    assertEquals("1", ds.at("/metadata/annotations").path(GENERATION).asText());

    ((ObjectNode) ds.get("spec")).put("minReadySeconds", 5);
    ds = registry.update(ResourceTypes.DAEMONSETS, "demo", "agent", ds, null);
    assertEquals(2, ds.at("/metadata/generation").asLong());
    assertEquals("1", ds.at("/metadata/annotations").path(GENERATION).asText());

    ((ObjectNode) ds.at("/spec/template/spec/containers/0")).put("image", "busybox:1.36");
    ((ObjectNode) ds.at("/metadata/annotations")).put(GENERATION, "40");
    ds = registry.update(ResourceTypes.DAEMONSETS, "demo", "agent", ds, null);
    assertEquals(3, ds.at("/metadata/generation").asLong());
    assertEquals("2", ds.at("/metadata/annotations").path(GENERATION).asText());

    // the writer owns what it wrote, not the templateGeneration the strategy raised
    ((ObjectNode) ds.at("/spec/template/spec/containers/0")).put("image", "busybox:1.37");
    ds = registry.as("kubectl-set").update(ResourceTypes.DAEMONSETS, "demo", "agent", ds, null);
    assertEquals("3", ds.at("/metadata/annotations").path(GENERATION).asText());
    String setFields = "";
    for (com.fasterxml.jackson.databind.JsonNode entry : ds.at("/metadata/managedFields")) {
      if (entry.path("manager").asText().equals("kubectl-set")) {
        setFields = entry.path("fieldsV1").toString();
      }
    }
    assertTrue(setFields.contains("f:image") && !setFields.contains(GENERATION), setFields);
    ((ObjectNode) ds.at("/spec/template/spec/containers/0")).put("image", "busybox:1.36");
    ds = registry.update(ResourceTypes.DAEMONSETS, "demo", "agent", ds, null);

    // the status goes through /status only, which keeps the spec and the template generation
    ObjectNode body = ds.deepCopy();
    ((ObjectNode) body.get("status")).put("numberReady", 2);
    ((ObjectNode) body.at("/spec/template/spec/containers/0")).put("image", "busybox:9");
    ObjectNode written = registry.update(ResourceTypes.DAEMONSETS, "demo", "agent", body, "status");
    assertEquals(2, written.at("/status/numberReady").asInt());
    assertEquals("busybox:1.36", written.at("/spec/template/spec/containers/0/image").asText());
    assertEquals(5, written.at("/metadata/generation").asLong());
    assertEquals("4", written.at("/metadata/annotations").path(GENERATION).asText());
    body = written.deepCopy();
    ((ObjectNode) body.get("status")).put("numberReady", 0);
    ObjectNode main = registry.update(ResourceTypes.DAEMONSETS, "demo", "agent", body, null);
    assertEquals(2, main.at("/status/numberReady").asInt());
  }

  @Test
  void anInvalidDaemonSetIsRefusedInUpstreamWords() {
    ApiException e = assertThrows(ApiException.class, () -> create("{\"metadata\":{\"name\":\"agent\"},"
        + "\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"maxUnavailable\":0}}," + SPEC + "}}"));
    assertEquals(422, e.code());
    assertEquals("DaemonSet.apps \"agent\" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Required value:"
        + " cannot be 0 when maxSurge is 0", e.getMessage());
  }

  private ObjectNode create(String body) throws ApiException {
    return registry.create(ResourceTypes.DAEMONSETS, "demo", json(body));
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
