package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code kubectl apply --server-side}: creates what is missing, lands later changes. */
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
