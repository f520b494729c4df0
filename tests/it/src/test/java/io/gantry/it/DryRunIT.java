package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.ApiClient;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.Kubectl;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code dryRun=All} (kubectl's {@code --dry-run=server}, and what {@code kubectl diff} sends):
 * the server answers what it would store but stores nothing. Each test works in its own namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DryRunIT {

  private GantryProcess gantry;
  private Kubectl kubectl;
  private ApiClient api;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start("--nodes", "0");
    kubectl = gantry.kubectl();
    api = gantry.api();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void dryRunCreateAnswersTheObjectButStoresNothing() {
    String ns = namespace("dry-create");

    JsonNode answer = kubectl.run("-n", ns, "create", "configmap", "cm", "--from-literal=a=b", "--dry-run=server",
        "-o", "json").assertOk().json();

    assertEquals("cm", answer.at("/metadata/name").asText(), answer::toString);
    assertFalse(answer.at("/metadata/uid").asText().isEmpty(), () -> "the server fills in metadata: " + answer);
    kubectl.run("-n", ns, "get", "configmap", "cm").assertFailed().assertStderrContains("NotFound");
  }

  @Test
  void dryRunCreateOfAnExistingNameIsStillAConflict() {
    String ns = namespace("dry-exists");
    kubectl.run("-n", ns, "create", "configmap", "cm").assertOk();

    kubectl.run("-n", ns, "create", "configmap", "cm", "--dry-run=server").assertFailed()
        .assertStderrContains("configmaps \"cm\" already exists");
  }

  @Test
  void dryRunPatchScaleAndDeleteLeaveTheObjectAsItWas() {
    String ns = namespace("dry-write");
    kubectl.run("-n", ns, "create", "configmap", "cm", "--from-literal=a=b").assertOk();
    kubectl.run("-n", ns, "create", "deployment", "web", "--image=gantry/echo-http", "--replicas=1").assertOk();
    String cmVersion = resourceVersion(ns, "configmap/cm");

    JsonNode patched = kubectl.run("-n", ns, "patch", "configmap", "cm", "--type=merge", "-p",
        "{\"data\":{\"a\":\"c\"}}", "--dry-run=server", "-o", "json").assertOk().json();
    assertEquals("c", patched.at("/data/a").asText(), patched::toString);
    kubectl.run("-n", ns, "label", "configmap", "cm", "x=y", "--dry-run=server").assertOk();
    kubectl.run("-n", ns, "scale", "deployment", "web", "--replicas=5", "--dry-run=server").assertOk();
    kubectl.run("-n", ns, "delete", "configmap", "cm", "--dry-run=server").assertOk();

    JsonNode cm = kubectl.run("-n", ns, "get", "configmap", "cm", "-o", "json").assertOk().json();
    assertEquals("b", cm.at("/data/a").asText(), cm::toString);
    assertTrue(cm.at("/metadata/labels/x").isMissingNode(), cm::toString);
    assertEquals(cmVersion, cm.at("/metadata/resourceVersion").asText(), cm::toString);
    JsonNode deployment = kubectl.run("-n", ns, "get", "deployment", "web", "-o", "json").assertOk().json();
    assertEquals(1, deployment.at("/spec/replicas").asInt(), deployment::toString);
    assertEquals("1", deployment.at("/metadata/generation").asText(), deployment::toString);
  }

  @Test
  void diffShowsTheChangeWithoutMakingIt() throws IOException {
    String ns = namespace("dry-diff");
    kubectl.run("-n", ns, "create", "configmap", "cm", "--from-literal=a=b").assertOk();
    String version = resourceVersion(ns, "configmap/cm");
    Path manifest = Files.createTempFile(gantry.dataDir(), "diff-", ".yaml");
    Files.writeString(manifest, """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cm
          namespace: %s
        data:
          a: changed
        """.formatted(ns));

    Kubectl.Result diff = kubectl.run("diff", "-f", manifest.toString());

    assertEquals(1, diff.exitCode(), diff::toString);
    assertTrue(diff.stdout().contains("+  a: changed"), diff::toString);
    JsonNode cm = kubectl.run("-n", ns, "get", "configmap", "cm", "-o", "json").assertOk().json();
    assertEquals("b", cm.at("/data/a").asText(), () -> "kubectl diff changed the object: " + cm);
    assertEquals(version, cm.at("/metadata/resourceVersion").asText(), cm::toString);
  }

  @Test
  void serverSideApplyDryRunCreatesNothing() {
    String ns = namespace("dry-apply");
    String manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: applied
          namespace: %s
        data:
          a: b
        """.formatted(ns);

    kubectl.runWithInput(manifest, "apply", "--server-side", "--dry-run=server", "-f", "-").assertOk();

    kubectl.run("-n", ns, "get", "configmap", "applied").assertFailed().assertStderrContains("NotFound");
  }

  @Test
  void anUnknownDryRunValueIsInvalid() {
    String ns = namespace("dry-bad");

    HttpResponse<String> response = api.post("/api/v1/namespaces/" + ns + "/configmaps?dryRun=Some",
        "{\"metadata\":{\"name\":\"cm\"}}");

    assertEquals(422, response.statusCode(), response::body);
    JsonNode status = Json.parse(response.body());
    assertEquals("Invalid", status.path("reason").asText(), response::body);
    assertEquals("dryRun", status.at("/details/causes/0/field").asText(), response::body);
    assertEquals(404, api.get("/api/v1/namespaces/" + ns + "/configmaps/cm").statusCode());
  }

  private String namespace(String name) {
    kubectl.run("create", "namespace", name).assertOk();
    return name;
  }

  private String resourceVersion(String ns, String object) {
    return kubectl.run("-n", ns, "get", object, "-o", "jsonpath={.metadata.resourceVersion}").assertOk().stdout();
  }
}
