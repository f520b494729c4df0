package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * A ReplicationController through the registry: SetDefaults_ReplicationController, the pod template's
 * defaults, the status reset and generation of its strategy, and its validation and typed decoding.
 */
class ReplicationControllerDefaultsTest {

  private static final String TEMPLATE = "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\",\"tier\":\"front\"}},"
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
  void theTemplateLabelsBecomeTheSelectorAndLabelsAndReplicasDefaultToOne() throws ApiException {
    ObjectNode rc = create("{\"metadata\":{\"name\":\"web\"},\"spec\":{" + TEMPLATE + "}}");
    assertEquals(json("{\"app\":\"web\",\"tier\":\"front\"}"), rc.at("/spec/selector"));
    assertEquals(json("{\"app\":\"web\",\"tier\":\"front\"}"), rc.at("/metadata/labels"));
    assertEquals(1, rc.at("/spec/replicas").asInt(-1));
  }

  @Test
  void aGivenSelectorLabelsAndReplicasAreKept() throws ApiException {
    ObjectNode rc = create("{\"metadata\":{\"name\":\"web\",\"labels\":{\"team\":\"a\"}},"
        + "\"spec\":{\"replicas\":0,\"selector\":{\"app\":\"web\"}," + TEMPLATE + "}}");
    assertEquals(json("{\"app\":\"web\"}"), rc.at("/spec/selector"));
    assertEquals(json("{\"team\":\"a\"}"), rc.at("/metadata/labels"));
    assertEquals(0, rc.at("/spec/replicas").asInt(-1));
  }

  @Test
  void thePodTemplateGetsThePodDefaults() throws ApiException {
    ObjectNode rc = create("{\"metadata\":{\"name\":\"web\"},\"spec\":{" + TEMPLATE + "}}");
    assertEquals("Always", rc.at("/spec/template/spec/restartPolicy").asText());
    assertEquals("ClusterFirst", rc.at("/spec/template/spec/dnsPolicy").asText());
    assertEquals(30, rc.at("/spec/template/spec/terminationGracePeriodSeconds").asInt());
    assertEquals("IfNotPresent", rc.at("/spec/template/spec/containers/0/imagePullPolicy").asText());
  }

  @Test
  void createResetsTheStatusAndSpecChangesBumpTheGeneration() throws ApiException {
    ObjectNode rc = create("{\"metadata\":{\"name\":\"web\"},\"spec\":{" + TEMPLATE + "},"
        + "\"status\":{\"replicas\":7}}");
    assertEquals(json("{\"replicas\":0}"), rc.get("status"), "replicas has no omitempty");
    assertEquals(1, rc.at("/metadata/generation").asLong());
    ((ObjectNode) rc.get("spec")).put("replicas", 3);
    ObjectNode updated = registry.update(ResourceTypes.REPLICATIONCONTROLLERS, "demo", "web", rc, null);
    assertEquals(2, updated.at("/metadata/generation").asLong());
  }

  @Test
  void anInvalidControllerIsRefusedInUpstreamWords() {
    ApiException e = assertThrows(ApiException.class, () -> create("{\"metadata\":{\"name\":\"web\"},"
        + "\"spec\":{\"selector\":{\"app\":\"other\"}," + TEMPLATE + "}}"));
    assertEquals(422, e.code());
    assertEquals("ReplicationController \"web\" is invalid: spec.template.metadata.labels: Invalid value:"
        + " map[string]string{\"app\":\"web\", \"tier\":\"front\"}: `selector` does not match template `labels`",
        e.getMessage());
  }

  @Test
  void aStringForReplicasIsABadRequest() {
    ApiException e = assertThrows(ApiException.class, () -> create("{\"metadata\":{\"name\":\"web\"},"
        + "\"spec\":{\"replicas\":\"3\"," + TEMPLATE + "}}"));
    assertEquals(400, e.code());
  }

  private ObjectNode create(String body) throws ApiException {
    return registry.create(ResourceTypes.REPLICATIONCONTROLLERS, "demo", json(body));
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
