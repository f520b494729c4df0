package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code kubectl apply --server-side}: creates what is missing, lands later changes, and keeps field
 * ownership between managers as kube-apiserver does (managedFields, conflicts, --force-conflicts).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerSideApplyIT {

  private GantryProcess gantry;
  private Kubectl kubectl;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start();
    kubectl = gantry.kubectl();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void firstApplyCreatesAndSecondApplyChanges() {
    String ns = "ssa-change";

    Kubectl.Result created = serverSideApply(manifest(ns, 1, "nginx:1.27", "a: \"1\""));
    created.assertStdoutContains("namespace/" + ns + " serverside-applied")
        .assertStdoutContains("configmap/settings serverside-applied")
        .assertStdoutContains("deployment.apps/web serverside-applied");
    JsonNode deployment = getJson(ns, "deployment", "web");
    assertEquals(1, deployment.at("/spec/replicas").asInt(), deployment::toString);
    assertEquals("1", getJson(ns, "configmap", "settings").at("/data/a").asText());

    serverSideApply(manifest(ns, 3, "nginx:1.28", "a: \"2\"")).assertStdoutContains("deployment.apps/web serverside-applied");

    deployment = getJson(ns, "deployment", "web");
    assertEquals(3, deployment.at("/spec/replicas").asInt(), deployment::toString);
    assertEquals("nginx:1.28", deployment.at("/spec/template/spec/containers/0/image").asText(), deployment::toString);
    assertEquals("2", getJson(ns, "configmap", "settings").at("/data/a").asText());
  }

  @Test
  void fieldsTheManagerStopsApplyingAreRemoved() {
    String ns = "ssa-remove";
    serverSideApply(manifest(ns, 1, "nginx:1.27", "a: \"1\", b: \"2\""));

    serverSideApply(manifest(ns, 1, "nginx:1.27", "a: \"1\""));

    JsonNode data = getJson(ns, "configmap", "settings").path("data");
    assertEquals("1", data.path("a").asText(), data::toString);
    assertFalse(data.has("b"), () -> "b was applied by kubectl only and then left out, so it must go: " + data);
  }

  @Test
  void twoAppliersConflictOnReplicasUntilOneForces() {
    String ns = "ssa-conflict";
    applyAs("a", manifest(ns, 1, "nginx:1.27", "a: \"1\"")).assertOk();

    Kubectl.Result refused = applyAs("b", manifest(ns, 3, "nginx:1.27", "a: \"1\""));

    assertEquals(1, refused.exitCode(), refused::toString);
    refused.assertStderrContains("Apply failed with 1 conflict: conflict with \"a\": .spec.replicas")
        .assertStderrContains("--force-conflicts");
    assertEquals(1, getJson(ns, "deployment", "web").at("/spec/replicas").asInt());

    kubectl.runWithInput(manifest(ns, 3, "nginx:1.27", "a: \"1\""), "apply", "--server-side", "--field-manager=b",
        "--force-conflicts", "-f", "-").assertOk();

    JsonNode deployment = getManaged(ns, "deployment", "web");
    assertEquals(3, deployment.at("/spec/replicas").asInt());
    assertFalse(entry(deployment, "a", "Apply").at("/fieldsV1/f:spec/f:replicas").isObject(),
        () -> "forcing took .spec.replicas from a: " + deployment);
    assertTrue(entry(deployment, "a", "Apply").at("/fieldsV1/f:spec/f:template").isObject(),
        () -> "a keeps the fields it shares with b: " + deployment);
    assertTrue(entry(deployment, "b", "Apply").at("/fieldsV1/f:spec/f:replicas").isObject(), deployment::toString);
  }

  @Test
  void kubectlScaleOwnsReplicasSoADifferentReapplyConflicts() {
    String ns = "ssa-scale";
    applyAs("a", manifest(ns, 1, "nginx:1.27", "a: \"1\"")).assertOk();
    kubectl.run("scale", "deployment", "web", "-n", ns, "--replicas=2").assertOk();

    JsonNode scaled = getManaged(ns, "deployment", "web");
    JsonNode scaler = entry(scaled, "kubectl", "Update");
    assertEquals("scale", scaler.path("subresource").asText(), scaled::toString);
    assertTrue(scaler.at("/fieldsV1/f:spec/f:replicas").isObject(), scaled::toString);

    Kubectl.Result refused = applyAs("a", manifest(ns, 3, "nginx:1.27", "a: \"1\""));
    assertEquals(1, refused.exitCode(), refused::toString);
    refused.assertStderrContains("conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas");
    assertEquals(2, getJson(ns, "deployment", "web").at("/spec/replicas").asInt());

    applyAs("a", manifest(ns, 2, "nginx:1.27", "a: \"1\"")).assertOk();
    JsonNode shared = getManaged(ns, "deployment", "web");
    assertTrue(entry(shared, "a", "Apply").at("/fieldsV1/f:spec/f:replicas").isObject(),
        () -> "applying the scaled value shares .spec.replicas: " + shared);
  }

  @Test
  void anEqualValueIsSharedAndStaysWhileAnotherManagerOwnsIt() {
    String ns = "ssa-shared";
    applyAs("a", manifest(ns, 1, "nginx:1.27", "shared: \"1\", own: \"2\"")).assertOk();
    applyAs("b", configMap(ns, "shared: \"1\"")).assertOk();
    JsonNode both = getManaged(ns, "configmap", "settings");
    assertTrue(entry(both, "a", "Apply").at("/fieldsV1/f:data/f:shared").isObject(), both::toString);
    assertTrue(entry(both, "b", "Apply").at("/fieldsV1/f:data/f:shared").isObject(), both::toString);

    applyAs("a", manifest(ns, 1, "nginx:1.27", "own: \"2\"")).assertOk();
    JsonNode kept = getManaged(ns, "configmap", "settings");
    assertEquals("1", kept.at("/data/shared").asText(), () -> "b still applies shared, so it stays: " + kept);
    assertFalse(entry(kept, "a", "Apply").at("/fieldsV1/f:data/f:shared").isObject(), kept::toString);

    applyAs("b", configMap(ns, "")).assertOk();
    JsonNode gone = getJson(ns, "configmap", "settings");
    assertTrue(gone.at("/data/shared").isMissingNode(), () -> "nobody applies shared any more: " + gone);
    assertEquals("2", gone.at("/data/own").asText());
  }

  @Test
  void showManagedFieldsPrintsTheUpstreamShape() throws Exception {
    String ns = "ssa-show";
    applyAs("a", manifest(ns, 2, "nginx:1.27", "a: \"1\"")).assertOk();

    JsonNode deployment = getManaged(ns, "deployment", "web");
    JsonNode applied = entry(deployment, "a", "Apply");
    assertEquals("apps/v1", applied.path("apiVersion").asText(), deployment::toString);
    assertEquals("FieldsV1", applied.path("fieldsType").asText(), deployment::toString);
    assertTrue(applied.path("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"),
        deployment::toString);
    // what kube-apiserver records for this configuration
    assertEquals(new ObjectMapper().readTree("""
        {"f:metadata":{"f:labels":{"f:app":{}}},
         "f:spec":{"f:replicas":{},"f:selector":{},
          "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
           "f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{},
            "f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}
        """), applied.path("fieldsV1"), deployment::toString);

    String yaml = kubectl.run("get", "deployment", "web", "-n", ns, "-o", "yaml", "--show-managed-fields").assertOk()
        .stdout();
    for (String line : new String[] {"  managedFields:", "    manager: a", "    operation: Apply",
        "    fieldsType: FieldsV1", "              k:{\"name\":\"web\"}:", "                .: {}"}) {
      assertTrue(yaml.contains(line + "\n"), () -> "no line '" + line + "' in\n" + yaml);
    }
    String plain = kubectl.run("get", "deployment", "web", "-n", ns, "-o", "yaml").assertOk().stdout();
    assertFalse(plain.contains("managedFields"), () -> "kubectl hides managedFields by default: " + plain);
  }

  /** The upgrade path of the server-side apply documentation: no conflict on what kubectl applied client-side. */
  @Test
  void kubectlMovesFromClientSideToServerSideApplyWithoutConflicts() {
    String ns = "ssa-migrate";
    kubectl.run("create", "namespace", ns).assertOk();
    kubectl.runWithInput(configMap(ns, "a: \"1\", b: \"1\""), "apply", "-f", "-").assertOk();

    serverSideApply(configMap(ns, "a: \"9\", b: \"1\""));

    JsonNode migrated = getManaged(ns, "configmap", "settings");
    assertEquals("9", migrated.at("/data/a").asText(), migrated::toString);
    assertTrue(entry(migrated, "kubectl", "Apply").at("/fieldsV1/f:data/f:a").isObject(), migrated::toString);
    String lastApplied = migrated.at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration").asText();
    assertTrue(lastApplied.contains("\"a\":\"9\""), () -> "the annotation follows: " + lastApplied);
    // and back: a client-side apply computes its patch from the updated annotation
    kubectl.runWithInput(configMap(ns, "a: \"9\""), "apply", "-f", "-").assertOk();
    assertTrue(getJson(ns, "configmap", "settings").at("/data/b").isMissingNode(), "b was dropped by the last apply");
  }

  private Kubectl.Result applyAs(String manager, String manifest) {
    return kubectl.runWithInput(manifest, "apply", "--server-side", "--field-manager=" + manager, "-f", "-");
  }

  private JsonNode getManaged(String ns, String kind, String name) {
    return kubectl.run("get", kind, name, "-n", ns, "-o", "json", "--show-managed-fields").assertOk().json();
  }

  /** The managedFields entry of {@code manager} with {@code operation} (an Update through status comes last). */
  private static JsonNode entry(JsonNode object, String manager, String operation) {
    for (JsonNode entry : object.at("/metadata/managedFields")) {
      if (entry.path("manager").asText().equals(manager) && entry.path("operation").asText().equals(operation)
          && !entry.path("subresource").asText().equals("status")) {
        return entry;
      }
    }
    throw new AssertionError("no " + operation + " entry of " + manager + " in " + object);
  }

  private static String configMap(String ns, String data) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: %s}
        data: {%s}
        """.formatted(ns, data);
  }

  private Kubectl.Result serverSideApply(String manifest) {
    return kubectl.runWithInput(manifest, "apply", "--server-side", "-f", "-").assertOk();
  }

  private JsonNode getJson(String ns, String kind, String name) {
    return kubectl.run("get", kind, name, "-n", ns, "-o", "json").json();
  }

  private static String manifest(String ns, int replicas, String image, String data) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: %1$s}
        data: {%4$s}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: %1$s, labels: {app: web}}
        spec:
          replicas: %2$d
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: %3$s
                ports: [{containerPort: 80}]
        """.formatted(ns, replicas, image, data);
  }
}
