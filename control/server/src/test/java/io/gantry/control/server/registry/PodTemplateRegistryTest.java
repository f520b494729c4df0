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
 * A PodTemplate through the registry: SetObjectDefaults_PodTemplate on its template's pod spec, the
 * generation its strategy keeps, and ValidatePodTemplate on create and update.
 */
class PodTemplateRegistryTest {

  private static final String TEMPLATE = "{\"metadata\":{\"name\":\"tpl\"},\"template\":{\"metadata\":{\"labels\":"
      + "{\"app\":\"web\"}},\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"web\",\"image\":\"nginx\","
      + "\"resources\":{\"limits\":{\"cpu\":\"1\"}}}]}}}";

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
  void theTemplatesPodSpecGetsThePodDefaultsButKeepsItsRestartPolicy() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.PODTEMPLATES, "demo", json(TEMPLATE));
    assertEquals("Never", created.at("/template/spec/restartPolicy").asText());
    assertEquals("ClusterFirst", created.at("/template/spec/dnsPolicy").asText());
    assertEquals("default-scheduler", created.at("/template/spec/schedulerName").asText());
    assertEquals(30, created.at("/template/spec/terminationGracePeriodSeconds").asInt());
    assertEquals("Always", created.at("/template/spec/containers/0/imagePullPolicy").asText());
    assertEquals("/dev/termination-log", created.at("/template/spec/containers/0/terminationMessagePath").asText());
    // SetDefaults_Pod's requests from limits is the pod's own, not the template's
    assertTrue(created.at("/template/spec/containers/0/resources/requests").isMissingNode(), created.toString());
    assertEquals(1, created.at("/metadata/generation").asInt());
  }

  @Test
  void aTemplateChangeRaisesTheGenerationAndALabelChangeDoesNot() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.PODTEMPLATES, "demo", json(TEMPLATE));
    ObjectNode labelled = created.deepCopy();
    ((ObjectNode) labelled.get("metadata")).putObject("labels").put("x", "y");
    ObjectNode updated = registry.update(ResourceTypes.PODTEMPLATES, "demo", "tpl", labelled, null);
    assertEquals(1, updated.at("/metadata/generation").asInt());
    ObjectNode changed = updated.deepCopy();
    ((ObjectNode) changed.at("/template/metadata/labels")).put("app", "api");
    assertEquals(2, registry.update(ResourceTypes.PODTEMPLATES, "demo", "tpl", changed, null)
        .at("/metadata/generation").asInt());
  }

  @Test
  void anInvalidTemplateIsRefusedOnCreateAndUpdate() throws ApiException {
    ApiException refused = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.PODTEMPLATES, "demo",
        json(TEMPLATE.replace("\"Never\"", "\"Sometimes\""))));
    assertEquals(422, refused.code());
    assertEquals("PodTemplate \"tpl\" is invalid: template.spec.restartPolicy: Unsupported value: \"Sometimes\": "
        + "supported values: \"Always\", \"OnFailure\", \"Never\"", refused.getMessage());
    ObjectNode created = registry.create(ResourceTypes.PODTEMPLATES, "demo", json(TEMPLATE));
    ObjectNode bad = created.deepCopy();
    ((ObjectNode) bad.at("/template/spec")).putArray("containers");
    ApiException update = assertThrows(ApiException.class,
        () -> registry.update(ResourceTypes.PODTEMPLATES, "demo", "tpl", bad, null));
    assertEquals("PodTemplate \"tpl\" is invalid: template.spec.containers: Required value", update.getMessage());
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
