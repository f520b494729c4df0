package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Kubectl;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Deletion as the Kubernetes API defines it, driven with real kubectl against a one-node cluster:
 * propagation policies, finalizers and what a DELETE answers. Each test works in its own namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeletionIT {

  private GantryProcess gantry;
  private Kubectl kubectl;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start();
    kubectl = gantry.kubectl().withTimeout(Duration.ofSeconds(90));
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void foregroundCascadeKeepsTheDeploymentUntilItsReplicaSetsAndPodsAreGone() {
    String ns = namespace("del-foreground");
    kubectl.run("-n", ns, "create", "deployment", "web", "--image=gantry/echo-http", "--replicas=2").assertOk();
    kubectl.run("-n", ns, "rollout", "status", "deployment/web", "--timeout=60s").assertOk();

    kubectl.run("-n", ns, "delete", "deployment", "web", "--cascade=foreground", "--wait=false").assertOk();

    JsonNode deleting = kubectl.run("-n", ns, "get", "deployment", "web", "-o", "json").assertOk().json();
    assertFalse(deleting.at("/metadata/deletionTimestamp").asText().isEmpty(), deleting::toString);
    assertEquals("foregroundDeletion", deleting.at("/metadata/finalizers/0").asText(), deleting::toString);
    kubectl.run("-n", ns, "wait", "--for=delete", "deployment/web", "--timeout=60s").assertOk();
    assertEquals("", kubectl.run("-n", ns, "get", "replicasets,pods", "-o", "name").assertOk().stdout().trim(),
        "the deployment went only after its replica sets and pods");
  }

  @Test
  void anObjectWithAFinalizerStaysUntilTheFinalizerIsRemoved() {
    String ns = namespace("del-finalizer");
    kubectl.run("-n", ns, "create", "configmap", "held").assertOk();
    kubectl.run("-n", ns, "patch", "configmap", "held", "--type=merge", "-p",
        "{\"metadata\":{\"finalizers\":[\"example.com/hold\"]}}").assertOk();

    kubectl.run("-n", ns, "delete", "configmap", "held", "--wait=false").assertOk();

    JsonNode held = kubectl.run("-n", ns, "get", "configmap", "held", "-o", "json").assertOk().json();
    assertFalse(held.at("/metadata/deletionTimestamp").asText().isEmpty(), held::toString);
    kubectl.run("-n", ns, "patch", "configmap", "held", "--type=merge", "-p",
        "{\"metadata\":{\"finalizers\":[\"example.com/hold\",\"example.com/late\"]}}").assertFailed()
        .assertStderrContains("no new finalizers can be added if the object is being deleted");
    kubectl.run("-n", ns, "patch", "configmap", "held", "--type=json", "-p",
        "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]").assertOk();
    kubectl.run("-n", ns, "get", "configmap", "held").assertFailed().assertStderrContains("NotFound");
  }

  @Test
  void deletingANamespaceRemovesItsContentsThenTheNamespace() {
    String ns = namespace("del-namespace");
    kubectl.run("-n", ns, "create", "configmap", "a").assertOk();
    kubectl.run("-n", ns, "create", "deployment", "web", "--image=gantry/echo-http").assertOk();

    kubectl.run("delete", "namespace", ns, "--wait=false").assertOk();

    kubectl.run("-n", ns, "create", "configmap", "late").assertFailed().assertStderrContains("being terminated");
    kubectl.run("wait", "--for=delete", "namespace/" + ns, "--timeout=60s").assertOk();
    assertEquals("", kubectl.run("get", "configmaps,deployments,pods", "-A", "--field-selector",
        "metadata.namespace=" + ns, "-o", "name").assertOk().stdout().trim(), "its contents went too");
  }

  private String namespace(String name) {
    kubectl.run("create", "namespace", name).assertOk();
    return name;
  }
}
