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

/** The self-review resources behind {@code kubectl auth can-i} and {@code kubectl auth whoami}. */
class SelfReviewsTest {

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
    assertEquals(List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews"),
        authorization.path("resources").findValuesAsText("name"));
    assertEquals("[\"create\"]", authorization.at("/resources/0/verbs").toString());
  }

  private ApiResponse post(String path, String body) {
    return router.handle(new ApiRequest("POST", path, Map.of(), "application/json", "application/json",
        body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(ApiResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }
}
