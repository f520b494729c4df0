package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** {@code pods/eviction}: with no disruption budgets served, an eviction is a deletion. */
class PodEvictionTest {

  private static final String PATH = "/api/v1/namespaces/default/pods/web/eviction";

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
    registry.create(ResourceTypes.PODS, "default",
        json("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"));
    router = new ApiRouter(registry, "test");
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void anEvictionDeletesThePodAndAnswers201() throws Exception {
    ApiResponse response = post(PATH, eviction("web", "default"));

    assertEquals(201, response.status(), new String(response.body(), StandardCharsets.UTF_8));
    ObjectNode status = Json.parseObject(response.body());
    assertEquals("Success", status.path("status").asText());
    assertEquals(201, status.path("code").asInt());
    assertEquals(404, post(PATH, eviction("web", "default")).status(), "the pod is gone");
  }

  @Test
  void anEvictedPodOnALiveNodeIsMarkedAsADisruptionTarget() throws Exception {
    registry.create(ResourceTypes.NODES, null, Json.parseObject("{\"metadata\":{\"name\":\"n1\"}}".getBytes(
        StandardCharsets.UTF_8)));
    registry.create(ResourceTypes.PODS, "default", Json.parseObject(("{\"metadata\":{\"name\":\"bound\"},\"spec\":"
        + "{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}").getBytes(StandardCharsets.UTF_8)));

    assertEquals(201, post("/api/v1/namespaces/default/pods/bound/eviction", eviction("bound", "default")).status());

    ObjectNode pod = registry.get(ResourceTypes.PODS, "default", "bound"); // graceful: still there
    ObjectNode condition = (ObjectNode) pod.at("/status/conditions/0");
    assertEquals("DisruptionTarget True EvictionByEvictionAPI Eviction API: evicting", condition.path("type").asText()
        + " " + condition.path("status").asText() + " " + condition.path("reason").asText() + " "
        + condition.path("message").asText());
  }

  @Test
  void aDryRunEvictionKeepsThePod() throws Exception {
    assertEquals(201, post(PATH, Map.of("dryRun", List.of("All")), eviction("web", "")).status());
    assertEquals(201, post(PATH, "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"web\"},"
        + "\"deleteOptions\":{\"dryRun\":[\"All\"]}}").status());

    assertEquals("web", registry.get(ResourceTypes.PODS, "default", "web").at("/metadata/name").asText());
  }

  @Test
  void anEvictionNamingAnotherPodOrNamespaceOrOfAnotherKindIsABadRequest() throws Exception {
    ApiResponse otherName = post(PATH, eviction("other", "default"));
    ApiResponse otherNamespace = post(PATH, eviction("web", "kube-system"));
    ApiResponse notAnEviction = post(PATH, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"}}");

    assertEquals(400, otherName.status());
    assertTrue(text(otherName).contains("name in URL does not match name in Eviction object"), text(otherName));
    assertEquals(400, otherNamespace.status());
    assertEquals(400, notAnEviction.status());
    assertTrue(text(notAnEviction).contains("must be a policy/v1 Eviction, not v1 Pod"), text(notAnEviction));
    assertEquals("web", registry.get(ResourceTypes.PODS, "default", "web").at("/metadata/name").asText());
  }

  @Test
  void discoveryListsTheSubresourceInPolicyV1() {
    ObjectNode resources = Discovery.resources("v1").orElseThrow();
    List<String> evictions = new java.util.ArrayList<>();
    resources.path("resources").forEach(r -> {
      if (r.path("name").asText().equals("pods/eviction")) {
        evictions.add(r.path("group").asText() + "/" + r.path("version").asText() + " " + r.path("kind").asText()
            + " " + r.path("verbs"));
      }
    });

    assertEquals(List.of("policy/v1 Eviction [\"create\"]"), evictions);
  }

  private ApiResponse post(String path, String body) {
    return post(path, Map.of(), body);
  }

  private ApiResponse post(String path, Map<String, List<String>> query, String body) {
    return router.handle(new ApiRequest("POST", path, query, "application/json", "application/json",
        body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String eviction(String name, String namespace) {
    return "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + name + "\""
        + (namespace.isEmpty() ? "" : ",\"namespace\":\"" + namespace + "\"") + "}}";
  }

  private static String text(ApiResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
