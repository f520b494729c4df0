package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.Kubectl;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Invalid objects are refused with a message a person can act on, and nothing is stored. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvalidObjectsIT {

  private static final String NS = "invalid";

  private GantryProcess gantry;
  private Kubectl kubectl;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start();
    kubectl = gantry.kubectl();
    apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + NS + "}\n").assertOk();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void serviceWithAnOutOfRangePort() {
    apply("""
        apiVersion: v1
        kind: Service
        metadata: {name: bad-port, namespace: invalid}
        spec:
          selector: {app: web}
          ports: [{port: 70000}]
        """).assertFailed().assertStderrContains("spec.ports[0].port: Invalid value: 70000");

    assertAbsent("service", "bad-port");
  }

  @Test
  void deploymentWhoseSelectorDoesNotMatchItsTemplate() {
    apply("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: bad-selector, namespace: invalid}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers: [{name: web, image: nginx}]
        """).assertFailed()
        .assertStderrContains("Deployment \"bad-selector\" is invalid")
        .assertStderrContains("spec.template.metadata.labels: Invalid value");

    assertAbsent("deployment", "bad-selector");
  }

  /**
   * kubectl sends YAML 1.1's yes and 8080 as a boolean and a number; Go decodes neither into a
   * string. (kubectl itself refuses such labels; a ConfigMap's data reaches the server.)
   */
  @Test
  void unquotedBooleansAndNumbersInStringFieldsAreRefused() {
    apply("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: unquoted, namespace: invalid}
        data: {port: 8080, debug: yes}
        """).assertFailed()
        .assertStderrContains("ConfigMap in version \"v1\" cannot be handled as a ConfigMap")
        .assertStderrContains("data.");

    assertAbsent("configmap", "unquoted");
  }

  @Test
  void deploymentWithNegativeReplicas() {
    apply("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: negative, namespace: invalid}
        spec:
          replicas: -1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: nginx}]
        """).assertFailed().assertStderrContains("spec.replicas: Invalid value: -1");

    assertAbsent("deployment", "negative");
  }

  @Test
  void unknownFieldsAreRefusedUnderStrictValidationAndWarnedOfOtherwise() {
    String manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: typo, namespace: invalid, labelz: {a: b}}
        data: {k: v}
        """;

    apply(manifest).assertFailed()
        .assertStderrContains("strict decoding error: unknown field \"metadata.labelz\"");
    assertAbsent("configmap", "typo");

    kubectl.runWithInput(manifest, "apply", "--validate=warn", "-f", "-").assertOk()
        .assertStderrContains("unknown field \"metadata.labelz\"");
  }

  @Test
  void objectWithAnInvalidName() {
    apply("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: Not_A_Name, namespace: invalid}
        data: {a: b}
        """).assertFailed().assertStderrContains("metadata.name: Invalid value: \"Not_A_Name\"");

    assertAbsent("configmap", "Not_A_Name");
  }

  @Test
  void objectInANamespaceThatDoesNotExist() {
    apply("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: orphan, namespace: nope}
        data: {a: b}
        """).assertFailed().assertStderrContains("(NotFound)").assertStderrContains("namespaces \"nope\" not found");

    kubectl.run("get", "configmap", "orphan", "-n", "nope").assertFailed().assertStderrContains("not found");
    Kubectl.Result everywhere = kubectl.run("get", "configmaps", "-A", "-o", "name").assertOk();
    assertFalse(everywhere.stdout().contains("orphan"), everywhere::toString);
  }

  @Test
  void malformedYamlIsRefusedByKubectl() {
    apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  namespace: invalid\n data: [\n")
        .assertFailed().assertStderrContains("error converting YAML to JSON");

    assertAbsent("configmap", "broken");
  }

  @Test
  void malformedYamlSentToTheApiIsABadRequestStatus() {
    HttpResponse<String> response = gantry.api().send("POST", "/api/v1/namespaces/invalid/configmaps",
        "application/yaml", java.net.http.HttpRequest.BodyPublishers.ofString(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken-raw\n data: [\n"));

    assertEquals(400, response.statusCode(), response::body);
    JsonNode status = Json.parse(response.body());
    assertEquals("Status", status.path("kind").asText(), response::body);
    assertEquals(400, status.path("code").asInt(), response::body);
    assertFalse(status.path("message").asText().isBlank(), response::body);
    assertAbsent("configmap", "broken-raw");
  }

  @Test
  void misspeltFieldIsRefusedByKubectlsStrictValidation() {
    apply("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: misspelt, namespace: invalid}
        spec:
          selector: {matchLabels: {app: m}}
          template:
            metadata: {labels: {app: m}}
            spec:
              containers: [{name: web, image: nginx, imagePullPolicyy: Always}]
        """).assertFailed()
        .assertStderrContains("strict decoding error: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"");

    assertAbsent("deployment", "misspelt");
  }

  @Test
  void misspeltFieldIsAWarningWithValidateWarnAndIsNotStored() {
    Kubectl.Result result = kubectl.runWithInput("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: warned, namespace: invalid}
        data: {a: "1"}
        dta: {b: "2"}
        """, "apply", "--validate=warn", "-f", "-").assertOk()
        .assertStderrContains("Warning: unknown field \"dta\"");

    JsonNode stored = kubectl.run("get", "configmap", "warned", "-n", NS, "-o", "json").json();
    assertEquals("1", stored.at("/data/a").asText(), result::toString);
    assertTrue(stored.path("dta").isMissingNode(), stored::toString);
  }

  @Test
  void misspeltFieldInAnApplyOfAnExistingObjectIsRefusedAndChangesNothing() {
    apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: reapplied, namespace: invalid}\ndata: {a: \"1\"}\n")
        .assertOk();

    apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: reapplied, namespace: invalid}\ndata: {a: \"2\"}\n"
        + "dat: {b: \"3\"}\n").assertFailed().assertStderrContains("strict decoding error: unknown field \"dat\"");

    assertEquals("1", kubectl.run("get", "configmap", "reapplied", "-n", NS, "-o", "json").json().at("/data/a").asText());
  }

  @Test
  void misspeltFieldInAKubectlPatchIsAWarningAndIsNotStored() {
    apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: patched, namespace: invalid}\ndata: {a: \"1\"}\n")
        .assertOk();

    // kubectl patch sends no fieldValidation, so the server's default, Warn, applies
    kubectl.run("patch", "configmap", "patched", "-n", NS, "--type", "json", "-p",
        "[{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"2\"},"
            + "{\"op\":\"add\",\"path\":\"/metadata/labelz\",\"value\":{\"x\":\"y\"}}]")
        .assertOk().assertStderrContains("Warning: unknown field \"metadata.labelz\"");

    JsonNode stored = kubectl.run("get", "configmap", "patched", "-n", NS, "-o", "json").json();
    assertEquals("2", stored.at("/data/a").asText(), stored::toString);
    assertTrue(stored.at("/metadata/labelz").isMissingNode(), stored::toString);
  }

  @Test
  void validObjectAfterTheRefusalsIsStillAccepted() {
    apply("""
        apiVersion: v1
        kind: Service
        metadata: {name: good-port, namespace: invalid}
        spec:
          selector: {app: web}
          ports: [{port: 65535}]
        """).assertOk();

    JsonNode service = kubectl.run("get", "service", "good-port", "-n", NS, "-o", "json").json();
    assertTrue(service.at("/spec/ports/0/port").asInt() == 65535, service::toString);
  }

  private Kubectl.Result apply(String manifest) {
    return kubectl.runWithInput(manifest, "apply", "-f", "-");
  }

  private void assertAbsent(String kind, String name) {
    kubectl.run("get", kind, name, "-n", NS).assertFailed()
        .assertStderrContains("(NotFound)").assertStderrContains("\"" + name + "\" not found");
  }
}
