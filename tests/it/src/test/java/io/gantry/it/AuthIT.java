package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.Curl;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Bearer-token authentication as kubectl and curl see it; the public health and version paths. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {

  private GantryProcess gantry;
  private Curl curl;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start();
    curl = Curl.against(gantry);
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void kubectlWithTheAdminTokenIsLetIn() {
    gantry.kubectl().run("get", "namespaces").assertOk().assertStdoutContains("default");
  }

  @Test
  void kubectlAuthSaysTheAdminMayDoEverything() {
    Kubectl kubectl = gantry.kubectl();
    kubectl.run("auth", "can-i", "delete", "nodes").assertOk().assertStdoutContains("yes");
    kubectl.run("auth", "can-i", "get", "/healthz").assertOk().assertStdoutContains("yes");
    String rules = kubectl.run("auth", "can-i", "--list").assertOk().stdout();
    assertTrue(rules.lines().anyMatch(line -> line.matches("\\*\\.\\*\\s+\\[]\\s+\\[]\\s+\\[\\*]")), rules);
    kubectl.run("auth", "whoami").assertOk().assertStdoutContains("admin")
        .assertStdoutContains("system:masters");
  }

  @Test
  void anAccessReviewWithoutAttributesIsInvalid() {
    Curl.Response response = curl.request("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", gantry.token(),
        "-X", "POST", "-H", "Content-Type: application/json",
        "--data", "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\",\"spec\":{}}");

    assertEquals(422, response.status(), response.body());
    assertTrue(response.body().contains("exactly one of nonResourceAttributes or resourceAttributes must be specified"),
        response.body());
  }

  @Test
  void kubectlCreateTokenIssuesATokenThatATokenReviewAuthenticates() {
    Kubectl kubectl = gantry.kubectl();
    kubectl.run("create", "serviceaccount", "robot").assertOk();
    String token = kubectl.run("create", "token", "robot").assertOk().stdout().strip();
    assertEquals(3, token.split("\\.").length, token);

    JsonNode review = kubectl.runWithInput("""
        {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {"token": "%s"}}
        """.formatted(token), "create", "-f", "-", "-o", "json").assertOk().json();

    assertTrue(review.at("/status/authenticated").asBoolean(), review.toString());
    assertEquals("system:serviceaccount:default:robot", review.at("/status/user/username").asText());
    assertEquals(kubectl.run("get", "sa", "robot", "-o", "jsonpath={.metadata.uid}").assertOk().stdout(),
        review.at("/status/user/uid").asText());
    assertEquals("[\"system:serviceaccounts\",\"system:serviceaccounts:default\",\"system:authenticated\"]",
        review.at("/status/user/groups").toString());
    assertEquals("[\"https://kubernetes.default.svc.cluster.local\"]", review.at("/status/audiences").toString());
  }

  @Test
  void aTokenOfADeletedServiceAccountNoLongerReviewsAndShortTokensAreRefused() {
    Kubectl kubectl = gantry.kubectl();
    kubectl.run("create", "serviceaccount", "short-lived").assertOk();
    kubectl.run("create", "token", "short-lived", "--duration=5m").assertFailed()
        .assertStderrContains("may not specify a duration less than 10 minutes");
    kubectl.run("create", "token", "nobody").assertFailed()
        .assertStderrContains("serviceaccounts \"nobody\" not found");
    String token = kubectl.run("create", "token", "short-lived", "--audience=vault", "--duration=10m").assertOk()
        .stdout().strip();
    kubectl.run("delete", "serviceaccount", "short-lived").assertOk();

    Curl.Response response = curl.request("/apis/authentication.k8s.io/v1/tokenreviews", gantry.token(),
        "-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"apiVersion\":\"authentication.k8s.io/v1\","
            + "\"kind\":\"TokenReview\",\"spec\":{\"token\":\"" + token + "\",\"audiences\":[\"vault\"]}}");

    assertEquals(201, response.status(), response.body());
    JsonNode review = Json.parse(response.body());
    assertTrue(review.at("/status/authenticated").isMissingNode(), response.body());
    assertEquals("serviceaccounts \"short-lived\" not found", review.at("/status/error").asText(), response.body());
  }

  @Test
  void aServiceAccountTokenIsABearerTokenUntilItsAccountIsDeleted() {
    Kubectl kubectl = gantry.kubectl();
    kubectl.run("create", "serviceaccount", "bearer").assertOk();
    String token = kubectl.run("create", "token", "bearer").assertOk().stdout().strip();

    kubectl.run("get", "namespaces", "--token=" + token).assertOk().assertStdoutContains("default");
    kubectl.run("auth", "whoami", "--token=" + token).assertOk()
        .assertStdoutContains("system:serviceaccount:default:bearer");
    String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertEquals(401, curl.request("/api/v1/namespaces", tampered).status());
    kubectl.run("delete", "serviceaccount", "bearer").assertOk();
    assertEquals(401, curl.request("/api/v1/namespaces", token).status());
  }

  @Test
  void kubectlWithAWrongTokenIsUnauthorized() {
    Kubectl kubectl = gantry.kubectl();
    kubectl.run("get", "namespaces").assertOk(); // warms the discovery cache: the next call is one GET

    kubectl.run("get", "namespaces", "--token=wrong")
        .assertFailed()
        .assertStderrContains("error: You must be logged in to the server (Unauthorized)");
  }

  @Test
  void kubectlWithAWrongTokenAndColdCacheIsToldToLogIn() {
    // Discovery fails first; kubectl 1.30+ then words the 401 itself instead of quoting the Status.
    gantry.kubectl().run("get", "namespaces", "--token=wrong")
        .assertFailed()
        .assertStderrContains("error: You must be logged in to the server (");
  }

  @Test
  void curlWithTheAdminTokenGetsTheNamespaceList() {
    Curl.Response response = curl.get("/api/v1/namespaces", gantry.token());

    assertEquals(200, response.status(), response.body());
    assertEquals("NamespaceList", Json.parse(response.body()).path("kind").asText(), response.body());
  }

  @Test
  void curlWithAWrongTokenGets401AndAStatus() {
    Curl.Response response = curl.get("/api/v1/namespaces", "wrong");

    assertUnauthorizedStatus(response);
  }

  @Test
  void curlWithoutATokenGets401AndAStatus() {
    assertUnauthorizedStatus(curl.get("/api/v1/namespaces", null));
    assertUnauthorizedStatus(curl.get("/apis/apps/v1/namespaces/default/deployments", null));
  }

  @Test
  void curlWithAnotherAuthSchemeGets401() {
    assertUnauthorizedStatus(curl.request("/api/v1/namespaces", null, "-u", "admin:" + gantry.token()));
  }

  @Test
  void versionIsPublic() {
    Curl.Response response = curl.get("/version", null);

    assertEquals(200, response.status(), response.body());
    assertTrue(Json.parse(response.body()).path("gitVersion").asText().startsWith("v1."), response.body());
  }

  @Test
  void healthzIsPublic() {
    Curl.Response response = curl.get("/healthz", null);

    assertEquals(200, response.status(), response.body());
    assertEquals("ok", response.body().trim());
  }

  private static void assertUnauthorizedStatus(Curl.Response response) {
    assertEquals(401, response.status(), response.body());
    JsonNode status = Json.parse(response.body());
    assertEquals("Status", status.path("kind").asText(), response.body());
    assertEquals("Failure", status.path("status").asText(), response.body());
    assertEquals("Unauthorized", status.path("reason").asText(), response.body());
    assertEquals(401, status.path("code").asInt(), response.body());
  }
}
