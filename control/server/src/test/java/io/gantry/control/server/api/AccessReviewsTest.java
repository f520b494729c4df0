package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
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

/** The review resources: {@code kubectl auth can-i}, {@code kubectl auth whoami}, and reviews about someone else. */
class AccessReviewsTest {

  @TempDir
  Path dir;

  private SqliteStore store;
  private ApiRouter router;

  @BeforeEach
  void start() {
    store = SqliteStore.open(dir.resolve("store.db"));
    router = new ApiRouter(new ObjectRegistry(store, Clock.systemUTC()), "test");
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void anAccessReviewIsAllowedAndEchoesItsSpec() {
    ApiResponse response = post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
            + "\"spec\":{\"resourceAttributes\":{\"verb\":\"delete\",\"resource\":\"nodes\"}}}");

    assertEquals(201, response.status());
    ObjectNode review = Json.parseObject(response.body());
    assertTrue(review.at("/status/allowed").asBoolean(), review.toString());
    assertEquals("nodes", review.at("/spec/resourceAttributes/resource").asText());
  }

  @Test
  void anAccessReviewWithBothOrNeitherAttributeSetIsInvalid() {
    String path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    ApiResponse neither = post(path, "{\"spec\":{}}");
    ApiResponse both = post(path, "{\"spec\":{\"resourceAttributes\":{},\"nonResourceAttributes\":{}}}");

    assertEquals(422, neither.status());
    assertTrue(text(neither).contains("spec.resourceAttributes: Invalid value: \\\"null\\\": exactly one of"),
        text(neither));
    assertEquals(422, both.status());
    assertTrue(text(both).contains("cannot be specified in combination with resourceAttributes"), text(both));
  }

  @Test
  void reviewsAboutSomeoneElseAreAllowedAsWithAlwaysAllow() {
    ApiResponse cluster = post("/apis/authorization.k8s.io/v1/subjectaccessreviews",
        "{\"metadata\":{\"creationTimestamp\":null},\"spec\":{\"user\":\"system:serviceaccount:demo:e2e\","
            + "\"resourceAttributes\":{\"verb\":\"list\",\"resource\":\"configmaps\",\"namespace\":\"demo\"}}}");
    ApiResponse local = post("/apis/authorization.k8s.io/v1/namespaces/demo/localsubjectaccessreviews",
        "{\"metadata\":{\"namespace\":\"demo\"},\"spec\":{\"user\":\"e2e\",\"groups\":[\"system:authenticated\"],"
            + "\"resourceAttributes\":{\"verb\":\"list\",\"resource\":\"configmaps\",\"namespace\":\"demo\"}}}");

    assertEquals(201, cluster.status(), text(cluster));
    assertTrue(Json.parseObject(cluster.body()).at("/status/allowed").asBoolean(), text(cluster));
    assertEquals(201, local.status(), text(local));
    ObjectNode answer = Json.parseObject(local.body());
    assertTrue(answer.at("/status/allowed").asBoolean(), text(local));
    assertEquals("demo", answer.at("/metadata/namespace").asText());
  }

  @Test
  void reviewsAboutSomeoneElseAreValidatedAsUpstream() {
    ApiResponse nobody = post("/apis/authorization.k8s.io/v1/subjectaccessreviews",
        "{\"spec\":{\"nonResourceAttributes\":{\"path\":\"/\",\"verb\":\"get\"}}}");
    ApiResponse named = post("/apis/authorization.k8s.io/v1/subjectaccessreviews",
        "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"user\":\"u\",\"nonResourceAttributes\":{\"path\":\"/\"}}}");
    ApiResponse elsewhere = post("/apis/authorization.k8s.io/v1/namespaces/demo/localsubjectaccessreviews",
        "{\"spec\":{\"user\":\"u\",\"resourceAttributes\":{\"verb\":\"get\",\"namespace\":\"other\"}}}");
    ApiResponse nonResource = post("/apis/authorization.k8s.io/v1/namespaces/demo/localsubjectaccessreviews",
        "{\"spec\":{\"user\":\"u\",\"nonResourceAttributes\":{\"path\":\"/\",\"verb\":\"get\"}}}");

    assertEquals(422, nobody.status(), text(nobody));
    assertTrue(text(nobody).contains("SubjectAccessReview.authorization.k8s.io \\\"\\\" is invalid: spec.user: Invalid"
        + " value: \\\"\\\": at least one of user or group must be specified"), text(nobody));
    assertTrue(text(named).contains("metadata: Invalid value: ") && text(named).contains("must be empty"), text(named));
    assertEquals(422, elsewhere.status(), text(elsewhere));
    assertTrue(text(elsewhere).contains("spec.resourceAttributes.namespace: Invalid value: \\\"other\\\": must match"
        + " metadata.namespace"), text(elsewhere));
    assertTrue(text(nonResource).contains("spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes"
        + "{Path:\\\"/\\\", Verb:\\\"get\\\"}: disallowed on this kind of request"), text(nonResource));
  }

  @Test
  void aReviewCannotBeAnsweredAsATableWithoutAFallback() {
    String path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    String body = "{\"spec\":{\"nonResourceAttributes\":{\"path\":\"/\",\"verb\":\"get\"}}}";
    ApiResponse table = router.handle(new ApiRequest("POST", path, Map.of(), "application/json;as=Table;v=v1;g=meta.k8s.io",
        "application/json", body.getBytes(StandardCharsets.UTF_8)));
    ApiResponse withFallback = router.handle(new ApiRequest("POST", path, Map.of(),
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json", "application/json",
        body.getBytes(StandardCharsets.UTF_8)));

    assertEquals(406, table.status(), text(table));
    assertEquals("NotAcceptable", Json.parseObject(table.body()).path("reason").asText());
    assertEquals(201, withFallback.status(), text(withFallback));
  }

  @Test
  void rulesAndIdentityAreTheAdministrators() {
    ObjectNode rules = Json.parseObject(post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
        "{\"spec\":{\"namespace\":\"default\"}}").body());
    ObjectNode whoami = Json.parseObject(post("/apis/authentication.k8s.io/v1/selfsubjectreviews",
        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}").body());

    assertEquals("[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}]",
        rules.at("/status/resourceRules").toString());
    assertEquals(false, rules.at("/status/incomplete").asBoolean(true));
    assertEquals("admin", whoami.at("/status/userInfo/username").asText());
    assertEquals("[\"system:masters\",\"system:authenticated\"]", whoami.at("/status/userInfo/groups").toString());
  }

  @Test
  void reviewsAreOnlyCreatedAndOfTheirOwnKind() {
    ApiResponse get = router.handle(new ApiRequest("GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        Map.of(), "application/json", "", new byte[0]));
    ApiResponse wrongKind = post("/apis/authentication.k8s.io/v1/selfsubjectreviews",
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}");

    assertEquals(405, get.status());
    assertEquals(400, wrongKind.status());
  }

  @Test
  void discoveryListsTheReviewGroups() {
    List<String> groups = Discovery.groupList().findValuesAsText("name");
    ObjectNode authorization = Discovery.resources("authorization.k8s.io/v1").orElseThrow();

    assertTrue(groups.containsAll(List.of("authentication.k8s.io", "authorization.k8s.io")), groups.toString());
    assertEquals(List.of("localsubjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews",
        "subjectaccessreviews"), authorization.path("resources").findValuesAsText("name"));
    assertEquals("[\"create\"]", authorization.at("/resources/0/verbs").toString());
    assertTrue(authorization.at("/resources/0/namespaced").asBoolean(), authorization.toString());
    assertEquals(false, authorization.at("/resources/3/namespaced").asBoolean(true));
  }

  private ApiResponse post(String path, String body) {
    return router.handle(new ApiRequest("POST", path, Map.of(), "application/json", "application/json",
        body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(ApiResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }
}
