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

/** {@code pods/eviction}: a deletion, unless the pod's PodDisruptionBudget allows no disruption. */
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
    registry.create(ResourceTypes.PODS, "default", json("{\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\"}},"
        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"));
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
    ApiResponse noName = post(PATH, "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{}}");
    ApiResponse twoDryRuns = post(PATH, Map.of("dryRun", List.of("All")), "{\"apiVersion\":\"policy/v1\",\"kind\":"
        + "\"Eviction\",\"metadata\":{\"name\":\"web\"},\"deleteOptions\":{\"dryRun\":[\"All\",\"All\"]}}");
    ApiResponse otherNamespace = post(PATH, eviction("web", "kube-system"));
    ApiResponse notAnEviction = post(PATH, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"}}");

    assertEquals(400, otherName.status());
    assertTrue(text(otherName).contains("name in URL does not match name in Eviction object"), text(otherName));
    assertEquals(400, noName.status(), "upstream compares the names as they are");
    assertEquals(500, twoDryRuns.status());
    assertTrue(text(twoDryRuns).contains("Non-matching dry-run options in request and content: [All] and [All All]"),
        text(twoDryRuns));
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

  @Test
  void aBudgetWithNoDisruptionLeftRefusesWith429NamingItsCounts() throws Exception {
    running("web", true);
    budget("web-pdb", "", "{\"observedGeneration\":1,\"disruptionsAllowed\":0,\"currentHealthy\":1,"
        + "\"desiredHealthy\":1,\"expectedPods\":1}");

    ApiResponse response = post(PATH, eviction("web", "default"));

    assertEquals(429, response.status(), text(response));
    ObjectNode status = Json.parseObject(response.body());
    assertEquals("TooManyRequests", status.path("reason").asText());
    assertEquals("Cannot evict pod as it would violate the pod's disruption budget.", status.path("message").asText());
    assertEquals("DisruptionBudget: The disruption budget web-pdb needs 1 healthy pods and has 1 currently",
        status.at("/details/causes/0/reason").asText() + ": " + status.at("/details/causes/0/message").asText());
    assertEquals(0, response.retryAfterSeconds());
    assertTrue(registry.get(ResourceTypes.PODS, "default", "web").at("/metadata/deletionTimestamp").isMissingNode());
  }

  @Test
  void anEvictionTakesOneDisruptionAndNamesThePodForTheController() throws Exception {
    running("web", true);
    budget("web-pdb", "", "{\"observedGeneration\":1,\"disruptionsAllowed\":1,\"currentHealthy\":2,"
        + "\"desiredHealthy\":1,\"expectedPods\":2}");

    ApiResponse response = post(PATH, eviction("web", "default"));

    assertEquals(201, response.status(), text(response));
    ObjectNode status = (ObjectNode) registry.get(ResourceTypes.PODDISRUPTIONBUDGETS, "default", "web-pdb").get("status");
    assertEquals(0, status.path("disruptionsAllowed").asInt(-1));
    assertTrue(status.path("disruptedPods").has("web"), status.toString());
    assertEquals("DisruptionAllowed False InsufficientPods", status.at("/conditions/0/type").asText() + " "
        + status.at("/conditions/0/status").asText() + " " + status.at("/conditions/0/reason").asText());
    assertTrue(registry.find(ResourceTypes.PODS, "default", "web").isEmpty(), "an unbound pod goes at once");
  }

  @Test
  void aBudgetItsControllerHasNotSeenYetAsks429WithARetryDelay() throws Exception {
    running("web", true);
    budget("web-pdb", "", "{\"disruptionsAllowed\":5,\"currentHealthy\":5,\"desiredHealthy\":0,\"expectedPods\":5}");

    ApiResponse response = post(PATH, eviction("web", "default"));

    assertEquals(429, response.status(), text(response));
    assertEquals(10, response.retryAfterSeconds(), "Retry-After, as kube-apiserver sends it");
    assertEquals("The disruption budget web-pdb is still being processed by the server.",
        Json.parseObject(response.body()).at("/details/causes/0/message").asText());
  }

  @Test
  void anUnreadyPodGoesWithoutTakingADisruptionWhileItsBudgetIsMet() throws Exception {
    running("web", false);
    String met = "{\"observedGeneration\":1,\"disruptionsAllowed\":0,\"currentHealthy\":1,\"desiredHealthy\":1,"
        + "\"expectedPods\":2}";
    budget("web-pdb", "", met);

    assertEquals(201, post(PATH, eviction("web", "default")).status());
    assertEquals(0, registry.get(ResourceTypes.PODDISRUPTIONBUDGETS, "default", "web-pdb")
        .at("/status/disruptedPods").size(), "no disruption taken");
  }

  @Test
  void anUnreadyPodOfAnUnmetBudgetGoesOnlyWithAlwaysAllow() throws Exception {
    running("web", false);
    String unmet = "{\"observedGeneration\":1,\"disruptionsAllowed\":0,\"currentHealthy\":0,\"desiredHealthy\":1,"
        + "\"expectedPods\":1}";
    budget("web-pdb", "", unmet);

    assertEquals(429, post(PATH, eviction("web", "default")).status());

    ObjectNode budget = registry.get(ResourceTypes.PODDISRUPTIONBUDGETS, "default", "web-pdb");
    ((ObjectNode) budget.get("spec")).put("unhealthyPodEvictionPolicy", "AlwaysAllow");
    registry.update(ResourceTypes.PODDISRUPTIONBUDGETS, "default", "web-pdb", budget, null);
    budget = registry.get(ResourceTypes.PODDISRUPTIONBUDGETS, "default", "web-pdb");
    ((ObjectNode) budget.get("status")).put("observedGeneration", 2);
    registry.update(ResourceTypes.PODDISRUPTIONBUDGETS, "default", "web-pdb", budget, "status");

    assertEquals(201, post(PATH, eviction("web", "default")).status());
  }

  @Test
  void aPodTwoBudgetsSelectCannotBeEvicted() throws Exception {
    running("web", true);
    String open = "{\"observedGeneration\":1,\"disruptionsAllowed\":1,\"currentHealthy\":1,\"desiredHealthy\":0,"
        + "\"expectedPods\":1}";
    budget("a", "", open);
    budget("b", "", open);

    ApiResponse response = post(PATH, eviction("web", "default"));

    assertEquals(500, response.status());
    assertTrue(text(response).contains("This pod has more than one PodDisruptionBudget, which the eviction subresource"
        + " does not support."), text(response));
  }

  @Test
  void aPendingPodAndADryRunLeaveTheBudgetAlone() throws Exception {
    budget("web-pdb", "", "{\"observedGeneration\":1,\"disruptionsAllowed\":0,\"currentHealthy\":1,"
        + "\"desiredHealthy\":1,\"expectedPods\":1}");
    registry.create(ResourceTypes.PODS, "default", json("{\"metadata\":{\"name\":\"live\",\"labels\":{\"app\":"
        + "\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"));
    running("live", true);
    budget("open", "{\"matchLabels\":{\"app\":\"other\"}}", "{\"observedGeneration\":1,\"disruptionsAllowed\":1,"
        + "\"currentHealthy\":1,\"desiredHealthy\":0,\"expectedPods\":1}");

    assertEquals(201, post(PATH, eviction("web", "default")).status(), "web is Pending: no budget consulted");
    assertEquals(429, post("/api/v1/namespaces/default/pods/live/eviction", Map.of("dryRun", List.of("All")),
        eviction("live", "default")).status(), "a dry run is refused as the real one would be");
    assertTrue(registry.find(ResourceTypes.PODS, "default", "live").isPresent());
  }

  private void running(String pod, boolean ready) throws Exception {
    ObjectNode object = registry.get(ResourceTypes.PODS, "default", pod);
    object.putObject("status").put("phase", "Running").putArray("conditions").addObject().put("type", "Ready")
        .put("status", ready ? "True" : "False");
    registry.update(ResourceTypes.PODS, "default", pod, object, "status");
  }

  /** A budget selecting app=web (or {@code selector}), with {@code status} as its controller last wrote it. */
  private void budget(String name, String selector, String status) throws Exception {
    registry.create(ResourceTypes.PODDISRUPTIONBUDGETS, "default", json("{\"metadata\":{\"name\":\"" + name + "\"},"
        + "\"spec\":{\"minAvailable\":1,\"selector\":" + (selector.isEmpty() ? "{\"matchLabels\":{\"app\":\"web\"}}"
        : selector) + "}}"));
    ObjectNode budget = registry.get(ResourceTypes.PODDISRUPTIONBUDGETS, "default", name);
    budget.set("status", json(status));
    registry.update(ResourceTypes.PODDISRUPTIONBUDGETS, "default", name, budget, "status");
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
