package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.auth.ServiceAccountTokens;
import io.gantry.control.server.controller.MutableClock;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import io.gantry.control.server.tls.ServiceAccountKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serviceaccounts/{name}/token} and {@code tokenreviews} through the router, as kubectl and the e2e test use them. */
class TokenRequestsTest {
  private static final ServiceAccountKey KEY = ServiceAccountKey.generate();
  private static final String ADMIN_TOKEN = "admin-secret";
  private static final String ISSUER = ServiceAccountTokens.DEFAULT_ISSUER;

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private SqliteStore store;
  private ObjectRegistry registry;
  private ApiRouter router;

  @BeforeEach
  void start() throws Exception {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, clock);
    router = new ApiRouter(registry, "test", null, ServiceAccountTokens.withDefaults(KEY, clock), ADMIN_TOKEN::equals);
    create(ResourceTypes.NAMESPACES, null, "{\"metadata\":{\"name\":\"demo\"}}");
    create(ResourceTypes.SERVICEACCOUNTS, "demo", "{\"metadata\":{\"name\":\"robot\"}}");
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void anEmptyRequestIsAnHourForTheApiAudiences() {
    ApiResponse response = requestToken("robot", "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\","
        + "\"metadata\":{\"creationTimestamp\":null},\"spec\":{\"audiences\":null,\"boundObjectRef\":null},"
        + "\"status\":{\"token\":\"\",\"expirationTimestamp\":null}}");

    assertEquals(201, response.status(), text(response));
    ObjectNode answer = Json.parseObject(response.body());
    assertEquals("TokenRequest", answer.path("kind").asText());
    assertEquals(3600, answer.at("/spec/expirationSeconds").asLong());
    assertEquals("[\"" + ISSUER + "\"]", answer.at("/spec/audiences").toString());
    assertEquals("2026-03-01T11:00:00Z", answer.at("/status/expirationTimestamp").asText());
    ObjectNode claims = claims(answer.at("/status/token").asText());
    assertEquals("system:serviceaccount:demo:robot", claims.path("sub").asText());
    assertEquals(uid(ResourceTypes.SERVICEACCOUNTS, "demo", "robot"), claims.at("/kubernetes.io/serviceaccount/uid").asText());
  }

  @Test
  void theConformanceTestsTokenReviewAuthenticates() {
    String token = token("robot", "{}");

    ObjectNode review = review("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\","
        + "\"spec\":{\"token\":\"" + token + "\"}}");

    assertTrue(review.at("/status/authenticated").asBoolean(), review.toString());
    assertFalse(review.at("/status").has("error"), review.toString());
    assertEquals("system:serviceaccount:demo:robot", review.at("/status/user/username").asText());
    assertEquals(uid(ResourceTypes.SERVICEACCOUNTS, "demo", "robot"), review.at("/status/user/uid").asText());
    assertEquals("[\"system:serviceaccounts\",\"system:serviceaccounts:demo\",\"system:authenticated\"]",
        review.at("/status/user/groups").toString());
    assertEquals("[\"" + ISSUER + "\"]", review.at("/status/audiences").toString());
    assertTrue(review.at("/status/user/extra/authentication.kubernetes.io~1credential-id/0").asText().startsWith("JTI="));
  }

  @Test
  void expirationIsBetweenTenMinutesAndTwoToTheThirtySecond() {
    ApiResponse tooShort = requestToken("robot", "{\"spec\":{\"expirationSeconds\":599}}");
    ApiResponse tooLong = requestToken("robot", "{\"spec\":{\"expirationSeconds\":4294967297}}");
    ApiResponse shortest = requestToken("robot", "{\"spec\":{\"expirationSeconds\":600}}");

    assertEquals(422, tooShort.status());
    assertEquals("TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 599: may"
        + " not specify a duration less than 10 minutes", Json.parseObject(tooShort.body()).path("message").asText());
    assertEquals(422, tooLong.status());
    assertTrue(text(tooLong).contains("may not specify a duration larger than 2^32 seconds"), text(tooLong));
    assertEquals(201, shortest.status(), text(shortest));
    assertEquals("2026-03-01T10:10:00Z", Json.parseObject(shortest.body()).at("/status/expirationTimestamp").asText());
  }

  @Test
  void aMissingServiceAccountIsNotFoundAndAnotherNameIsInvalid() {
    ApiResponse missing = requestToken("nobody", "{}");
    ApiResponse renamed = requestToken("robot", "{\"metadata\":{\"name\":\"other\"}}");

    assertEquals(404, missing.status());
    assertEquals("serviceaccounts \"nobody\" not found", Json.parseObject(missing.body()).path("message").asText());
    assertEquals(422, renamed.status());
    assertTrue(text(renamed).contains("metadata.name: Invalid value: \\\"other\\\": must match the service account name"
        + " if specified"), text(renamed));
  }

  @Test
  void aPodBoundTokenNamesItsPodAndNodeAndChecksWhoRunsIt() {
    create(ResourceTypes.NODES, null, "{\"metadata\":{\"name\":\"node-1\"}}");
    create(ResourceTypes.PODS, "demo", "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"serviceAccountName\":\"robot\","
        + "\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
    create(ResourceTypes.PODS, "demo", "{\"metadata\":{\"name\":\"other\"},\"spec\":{\"containers\":[{\"name\":\"c\","
        + "\"image\":\"nginx\"}]}}");
    String podUid = uid(ResourceTypes.PODS, "demo", "web");

    String token = token("robot", "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
        + "\"name\":\"web\",\"uid\":\"" + podUid + "\"}}}");
    ObjectNode claims = claims(token);
    ObjectNode review = review("{\"spec\":{\"token\":\"" + token + "\"}}");
    ApiResponse wrongAccount = requestToken("robot", "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\","
        + "\"apiVersion\":\"v1\",\"name\":\"other\"}}}");
    ApiResponse staleUid = requestToken("robot", "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
        + "\"name\":\"web\",\"uid\":\"stale\"}}}");
    ApiResponse configMap = requestToken("robot", "{\"spec\":{\"boundObjectRef\":{\"kind\":\"ConfigMap\","
        + "\"apiVersion\":\"v1\",\"name\":\"x\"}}}");

    assertEquals(podUid, claims.at("/kubernetes.io/pod/uid").asText());
    assertEquals("node-1", claims.at("/kubernetes.io/node/name").asText());
    assertEquals(uid(ResourceTypes.NODES, null, "node-1"), claims.at("/kubernetes.io/node/uid").asText());
    assertEquals("[\"web\"]", review.at("/status/user/extra/authentication.kubernetes.io~1pod-name").toString());
    assertEquals("[\"node-1\"]", review.at("/status/user/extra/authentication.kubernetes.io~1node-name").toString());
    assertEquals(400, wrongAccount.status());
    assertEquals("cannot bind token for serviceaccount \"robot\" to pod running with different serviceaccount name.",
        Json.parseObject(wrongAccount.body()).path("message").asText());
    assertEquals(409, staleUid.status(), text(staleUid));
    assertEquals(400, configMap.status());
    assertEquals("cannot bind token to object of type /v1, Kind=ConfigMap",
        Json.parseObject(configMap.body()).path("message").asText());
  }

  @Test
  void theKubeletsHourAndSevenSecondsIsExtendedToAYear() {
    create(ResourceTypes.PODS, "demo", "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"serviceAccountName\":\"robot\","
        + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");

    ObjectNode answer = Json.parseObject(requestToken("robot", "{\"spec\":{\"expirationSeconds\":3607,"
        + "\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"web\"}}}").body());
    ObjectNode claims = claims(answer.at("/status/token").asText());

    assertEquals("2026-03-01T11:00:07Z", answer.at("/status/expirationTimestamp").asText());
    long iat = claims.path("iat").asLong();
    assertEquals(iat + ServiceAccountTokens.EXTENDED_EXPIRATION_SECONDS, claims.path("exp").asLong());
    assertEquals(iat + 3607, claims.at("/kubernetes.io/warnafter").asLong());
  }

  @Test
  void invalidTokensDoNotAuthenticateAndSayWhy() {
    String token = token("robot", "{\"spec\":{\"audiences\":[\"vault\"]}}");

    ObjectNode garbage = review("{\"spec\":{\"token\":\"garbage\"}}");
    ObjectNode wrongAudience = review("{\"spec\":{\"token\":\"" + token + "\"}}");
    ObjectNode rightAudience = review("{\"spec\":{\"token\":\"" + token + "\",\"audiences\":[\"vault\"]}}");
    ApiResponse empty = post("/apis/authentication.k8s.io/v1/tokenreviews", "{\"spec\":{}}");
    try {
      registry.delete(ResourceTypes.SERVICEACCOUNTS, "demo", "robot", DeleteOptions.from(null, null));
    } catch (ApiException e) {
      throw new AssertionError(e);
    }
    ObjectNode deleted = review("{\"spec\":{\"token\":\"" + token + "\",\"audiences\":[\"vault\"]}}");

    assertFalse(garbage.at("/status/authenticated").asBoolean(), garbage.toString());
    assertEquals("invalid bearer token", garbage.at("/status/error").asText());
    assertEquals("{}", garbage.at("/status/user").toString());
    assertEquals("token audiences [\"vault\"] is invalid for the target audiences [\"" + ISSUER + "\"]",
        wrongAudience.at("/status/error").asText());
    assertTrue(rightAudience.at("/status/authenticated").asBoolean(), rightAudience.toString());
    assertEquals("[\"vault\"]", rightAudience.at("/status/audiences").toString());
    assertEquals(400, empty.status());
    assertEquals("token is required for TokenReview in authentication",
        Json.parseObject(empty.body()).path("message").asText());
    assertEquals("serviceaccounts \"robot\" not found", deleted.at("/status/error").asText());
  }

  @Test
  void theAdminTokenReviewsAsTheAdministrator() {
    ObjectNode review = review("{\"spec\":{\"token\":\"" + ADMIN_TOKEN + "\"}}");

    assertTrue(review.at("/status/authenticated").asBoolean(), review.toString());
    assertEquals("admin", review.at("/status/user/username").asText());
    assertEquals("[\"system:masters\",\"system:authenticated\"]", review.at("/status/user/groups").toString());
    assertEquals("[\"" + ISSUER + "\"]", review.at("/status/audiences").toString());
  }

  @Test
  void aServiceAccountBearerTokenIsThatAccountAndWhoamiSaysSo() {
    String token = token("robot", "{}");
    String forVault = token("robot", "{\"spec\":{\"audiences\":[\"vault\"]}}");

    assertTrue(router.mayBeServiceAccountToken(token));
    assertFalse(router.mayBeServiceAccountToken(ADMIN_TOKEN));
    assertTrue(router.authenticateServiceAccount(forVault).isEmpty(), "not for the API's audience");
    var user = router.authenticateServiceAccount(token).orElseThrow();
    ApiResponse whoami = router.handle(new ApiRequest("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        Map.of(), "application/json", "application/json", "{}".getBytes(StandardCharsets.UTF_8), "", "", user));

    ObjectNode info = (ObjectNode) Json.parseObject(whoami.body()).at("/status/userInfo");
    assertEquals("system:serviceaccount:demo:robot", info.path("username").asText(), info.toString());
    assertEquals(uid(ResourceTypes.SERVICEACCOUNTS, "demo", "robot"), info.path("uid").asText());
    assertTrue(info.at("/extra/authentication.kubernetes.io~1credential-id/0").asText().startsWith("JTI="));
  }

  @Test
  void discoveryListsTheSubresourceAndTheReview() {
    ObjectNode core = Discovery.resources("v1").orElseThrow();
    ObjectNode authentication = Discovery.resources("authentication.k8s.io/v1").orElseThrow();

    ObjectNode token = (ObjectNode) core.path("resources").valueStream()
        .filter(r -> r.path("name").asText().equals("serviceaccounts/token")).findFirst().orElseThrow();
    assertEquals("{\"name\":\"serviceaccounts/token\",\"singularName\":\"\",\"namespaced\":true,"
        + "\"group\":\"authentication.k8s.io\",\"version\":\"v1\",\"kind\":\"TokenRequest\",\"verbs\":[\"create\"]}",
        token.toString());
    assertEquals(List.of("selfsubjectreviews", "tokenreviews"),
        authentication.path("resources").findValuesAsText("name"));
  }

  private String token(String serviceAccount, String body) {
    ApiResponse response = requestToken(serviceAccount, body);
    assertEquals(201, response.status(), text(response));
    return Json.parseObject(response.body()).at("/status/token").asText();
  }

  private ApiResponse requestToken(String serviceAccount, String body) {
    return post("/api/v1/namespaces/demo/serviceaccounts/" + serviceAccount + "/token", body);
  }

  private ObjectNode review(String body) {
    ApiResponse response = post("/apis/authentication.k8s.io/v1/tokenreviews", body);
    assertEquals(201, response.status(), text(response));
    return Json.parseObject(response.body());
  }

  private static ObjectNode claims(String token) {
    return Json.parseObject(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
  }

  private void create(ResourceType type, String namespace, String body) {
    try {
      registry.create(type, namespace, Json.parseObject(body.getBytes(StandardCharsets.UTF_8)));
    } catch (ApiException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private String uid(ResourceType type, String namespace, String name) {
    return registry.find(type, namespace, name).orElseThrow().at("/metadata/uid").asText();
  }

  private ApiResponse post(String path, String body) {
    return router.handle(new ApiRequest("POST", path, Map.of(), "application/json", "application/json",
        body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(ApiResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }
}
