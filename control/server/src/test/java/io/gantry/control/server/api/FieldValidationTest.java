package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FieldValidationTest {

  private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";
  private static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

  @TempDir
  Path dir;

  private SqliteStore store;
  private ObjectRegistry registry;
  private ApiRouter router;

  @BeforeEach
  void start() throws Exception {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC());
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"default\"}}"));
    router = new ApiRouter(registry, "test");
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
  }

  @Test
  void strictRefusesAnUnknownFieldNamingItsPathAndStoresNothing() throws Exception {
    ApiResponse response = send("POST", DEPLOYMENTS, "Strict", "application/json", deployment("web",
        "\"imagePullPolicyy\":\"Always\""));

    assertEquals(400, response.status());
    assertEquals("BadRequest", body(response).path("reason").asText());
    assertEquals("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
        + "unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"", body(response).path("message").asText());
    assertEquals(404, send("GET", DEPLOYMENTS + "/web", null, null, "").status());
  }

  @Test
  void strictNamesEveryUnknownField() throws Exception {
    ApiResponse response = send("POST", CONFIGMAPS, "Strict", "application/json",
        "{\"metadata\":{\"name\":\"c\",\"labelz\":{}},\"data\":{\"a\":\"1\"},\"dta\":{},\"binaryData\":{}}");

    assertEquals(400, response.status());
    assertTrue(body(response).path("message").asText()
        .endsWith("unknown field \"metadata.labelz\", unknown field \"dta\""), body(response)::toString);
  }

  @Test
  void warnIsTheDefaultAcceptsTheObjectWithAWarningAndDropsTheField() throws Exception {
    ApiResponse response = send("POST", CONFIGMAPS, null, "application/json",
        "{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\"},\"dta\":{\"b\":\"2\"}}");

    assertEquals(201, response.status());
    assertEquals(List.of("unknown field \"dta\""), response.warnings());
    JsonNode stored = registry.get(ResourceTypes.CONFIGMAPS, "default", "c");
    assertEquals("1", stored.at("/data/a").asText());
    assertTrue(stored.path("dta").isMissingNode(), stored::toString);
  }

  @Test
  void anUnknownLevelIsAnInvalidOptionsObject() {
    // the values are case-sensitive: "strict" is not "Strict"
    ApiResponse response = send("POST", CONFIGMAPS, "strict", "application/json", "{\"metadata\":{\"name\":\"c\"}}");

    assertEquals(422, response.status());
    assertEquals("CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"strict\": supported"
        + " values: \"\", \"Ignore\", \"Strict\", \"Warn\"", Json.parseObject(response.body()).path("message").asText());
  }

  @Test
  void ignoreAcceptsSilentlyAndStillDropsTheField() throws Exception {
    ApiResponse response = send("POST", CONFIGMAPS, "Ignore", "application/json",
        "{\"metadata\":{\"name\":\"c\"},\"dta\":{\"b\":\"2\"}}");

    assertEquals(201, response.status());
    assertEquals(List.of(), response.warnings());
    assertTrue(registry.get(ResourceTypes.CONFIGMAPS, "default", "c").path("dta").isMissingNode());
  }

  @Test
  void freeFormMapsAndManagedFieldSetsAreNotUnknownFields() throws Exception {
    ApiResponse response = send("POST", CONFIGMAPS, "Strict", "application/json",
        "{\"metadata\":{\"name\":\"c\",\"labels\":{\"any\":\"x\"},\"annotations\":{\"k/v\":\"y\"},"
            + "\"managedFields\":[{\"manager\":\"m\",\"operation\":\"Apply\",\"fieldsType\":\"FieldsV1\","
            + "\"fieldsV1\":{\"f:data\":{\"f:a\":{}}}}]},\"data\":{\"whatever-key\":\"1\"}}");

    assertEquals(201, response.status(), () -> body(response).toString());
    assertEquals(List.of(), response.warnings());
  }

  @Test
  void updateIsCheckedLikeCreate() throws Exception {
    assertEquals(201, send("POST", CONFIGMAPS, "Strict", "application/json", "{\"metadata\":{\"name\":\"c\"}}").status());

    ApiResponse refused = send("PUT", CONFIGMAPS + "/c", "Strict", "application/json",
        "{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"2\"},\"extra\":1}");
    ApiResponse warned = send("PUT", CONFIGMAPS + "/c", "Warn", "application/json",
        "{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"3\"},\"extra\":1}");

    assertEquals(400, refused.status());
    assertEquals(200, warned.status());
    assertEquals(List.of("unknown field \"extra\""), warned.warnings());
    JsonNode stored = registry.get(ResourceTypes.CONFIGMAPS, "default", "c");
    assertEquals("3", stored.at("/data/a").asText());
    assertTrue(stored.path("extra").isMissingNode(), stored::toString);
  }

  @Test
  void patchesAreCheckedOnTheFieldsTheySetNotOnTheirDirectivesOrDeletions() throws Exception {
    assertEquals(201, send("POST", DEPLOYMENTS, "Strict", "application/json", deployment("web", "")).status());

    ApiResponse directives = send("PATCH", DEPLOYMENTS + "/web", "Strict", "application/strategic-merge-patch+json",
        "{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"c\"}],"
            + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx:2\"}]}}},\"metadata\":{\"labels\":{\"gone\":null}}}");
    ApiResponse misspelt = send("PATCH", DEPLOYMENTS + "/web", "Strict", "application/merge-patch+json",
        "{\"spec\":{\"replicass\":3}}");
    ApiResponse jsonPatch = send("PATCH", DEPLOYMENTS + "/web", "Strict", "application/json-patch+json",
        "[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/0/imagePullPolicyy\",\"value\":\"Always\"}]");
    ApiResponse applied = send("PATCH", DEPLOYMENTS + "/web?fieldManager=t", "Strict", "application/apply-patch+yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2, paused2: true}\n");

    assertEquals(200, directives.status(), () -> body(directives).toString());
    assertEquals(400, misspelt.status());
    assertTrue(body(misspelt).path("message").asText().endsWith("unknown field \"spec.replicass\""));
    assertEquals(400, jsonPatch.status());
    assertTrue(body(jsonPatch).path("message").asText()
        .endsWith("unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""), body(jsonPatch)::toString);
    assertEquals(400, applied.status());
    assertTrue(body(applied).path("message").asText().endsWith("unknown field \"spec.paused2\""));
    JsonNode stored = registry.get(ResourceTypes.DEPLOYMENTS, "default", "web");
    assertEquals("nginx:2", stored.at("/spec/template/spec/containers/0/image").asText());
    assertEquals(1, stored.at("/spec/replicas").asInt(), stored::toString);
  }

  @Test
  void aJsonPatchThatAddsAnUnknownFieldIsStoredWithoutIt() throws Exception {
    assertEquals(201, send("POST", DEPLOYMENTS, null, "application/json", deployment("web", "")).status());

    ApiResponse response = send("PATCH", DEPLOYMENTS + "/web", null, "application/json-patch+json",
        "[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/-\",\"value\":{\"name\":\"d\",\"image\":\"x\","
            + "\"prot\":1}}]");

    assertEquals(200, response.status(), () -> body(response).toString());
    assertEquals(List.of("unknown field \"spec.template.spec.containers[1].prot\""), response.warnings());
    JsonNode container = registry.get(ResourceTypes.DEPLOYMENTS, "default", "web").at("/spec/template/spec/containers/1");
    assertEquals("d", container.path("name").asText());
    assertTrue(container.path("prot").isMissingNode(), container::toString);
  }

  private ApiResponse send(String method, String path, String fieldValidation, String contentType, String body) {
    String[] parts = path.split("\\?", 2);
    Map<String, List<String>> query = new java.util.HashMap<>();
    if (parts.length > 1) {
      for (String pair : parts[1].split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(kv[0], List.of(kv[1]));
      }
    }
    if (fieldValidation != null) {
      query.put("fieldValidation", List.of(fieldValidation));
    }
    return router.handle(new ApiRequest(method, parts[0], query, "application/json", contentType,
        body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String deployment(String name, String extraContainerField) {
    String extra = extraContainerField.isEmpty() ? "" : "," + extraContainerField;
    return "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":"
        + "{\"app\":\"w\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"w\"}},\"spec\":{\"containers\":"
        + "[{\"name\":\"c\",\"image\":\"nginx\"" + extra + "}]}}}}";
  }

  private static JsonNode body(ApiResponse response) {
    return Json.parseObject(response.body());
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
