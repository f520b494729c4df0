package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Kubectl;
import io.gantry.testing.Poll;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A ResourceQuota through the real kubectl: {@code kubectl create quota}, its usage following creates and
 * deletes (admission charges, the controller recounts), {@code get} and {@code describe}, and creates
 * over the limit or without the limited requests refused in kube-apiserver's words.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceQuotaIT {

  private static final String NS = "quota";

  private GantryProcess gantry;
  private Kubectl kubectl;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start("--nodes", "0");
    kubectl = gantry.kubectl().withTimeout(Duration.ofSeconds(60));
    kubectl.run("create", "namespace", NS).assertOk();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  private static String pod(String name) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s}
        spec:
          containers:
          - {name: web, image: nginx, resources: {requests: {cpu: 300m}}}
        """.formatted(name);
  }

  @Test
  void usageFollowsTheNamespaceAndCreatesOverTheLimitAreRefused() {
    kubectl.run("-n", NS, "create", "quota", "compute", "--hard=pods=2,requests.cpu=1,configmaps=5").assertOk()
        .assertStdoutContains("resourcequota/compute created");
    awaitUsed("pods", "0");
    awaitUsed("configmaps", "1"); // the namespace's kube-root-ca.crt

    kubectl.run("-n", NS, "run", "bare", "--image=nginx").assertFailed().assertStderrContains(
        "Error from server (Forbidden): pods \"bare\" is forbidden: failed quota: compute: must specify requests.cpu"
            + " for: bare");
    kubectl.runWithInput(pod("a"), "-n", NS, "apply", "-f", "-").assertOk();
    kubectl.runWithInput(pod("b"), "-n", NS, "apply", "-f", "-").assertOk();
    JsonNode used = quota().path("status").path("used");
    assertEquals("2", used.path("pods").asText(), used.toString());
    assertEquals("600m", used.path("requests.cpu").asText(), used.toString());

    kubectl.runWithInput(pod("c"), "-n", NS, "apply", "-f", "-").assertFailed().assertStderrContains(
        "pods \"c\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2");

    Map<String, String> row = kubectl.run("-n", NS, "get", "quota").assertOk().table().rowNamed("compute");
    assertEquals("configmaps: 1/5, pods: 2/2, requests.cpu: 600m/1", row.get("REQUEST"), row.toString());
    assertEquals("", row.get("LIMIT"), row.toString());
    kubectl.run("-n", NS, "describe", "quota", "compute").assertOk()
        .assertStdoutContains("requests.cpu  600m  1");

    kubectl.run("-n", NS, "delete", "pod", "a", "--grace-period=0", "--force").assertOk();
    awaitUsed("pods", "1");
    awaitUsed("requests.cpu", "300m");
    kubectl.runWithInput(pod("c"), "-n", NS, "apply", "-f", "-").assertOk();
  }

  @Test
  void scopedQuotasCountOnlyTheirPodsAndNodePortsAreCountedPerPort() {
    String ns = "scoped";
    kubectl.run("create", "namespace", ns).assertOk();
    kubectl.run("-n", ns, "create", "quota", "best-effort", "--hard=pods=1", "--scopes=BestEffort").assertOk();
    kubectl.run("-n", ns, "create", "quota", "guaranteed", "--hard=pods=5", "--scopes=NotBestEffort").assertOk();
    kubectl.run("-n", ns, "create", "quota", "ports", "--hard=services.nodeports=1,services=5").assertOk();
    awaitUsed(ns, "best-effort", "pods", "0");
    awaitUsed(ns, "guaranteed", "pods", "0");
    awaitUsed(ns, "ports", "services.nodeports", "0");

    kubectl.run("-n", ns, "run", "first", "--image=nginx").assertOk();
    kubectl.run("-n", ns, "run", "second", "--image=nginx").assertFailed().assertStderrContains(
        "pods \"second\" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1");
    kubectl.runWithInput(pod("sized"), "-n", ns, "apply", "-f", "-").assertOk();
    assertEquals("1", quota(ns, "guaranteed").path("status").path("used").path("pods").asText());
    assertEquals("1", quota(ns, "best-effort").path("status").path("used").path("pods").asText());

    kubectl.run("-n", ns, "create", "service", "nodeport", "web", "--tcp=80:80").assertOk();
    kubectl.run("-n", ns, "create", "service", "nodeport", "api", "--tcp=80:80").assertFailed().assertStderrContains(
        "services \"api\" is forbidden: exceeded quota: ports, requested: services.nodeports=1,"
            + " used: services.nodeports=1, limited: services.nodeports=1");
    kubectl.run("-n", ns, "delete", "service", "web").assertOk();
    awaitUsed(ns, "ports", "services.nodeports", "0");
    kubectl.run("-n", ns, "create", "service", "nodeport", "api", "--tcp=80:80").assertOk();
  }

  private JsonNode quota() {
    return quota(NS, "compute");
  }

  private JsonNode quota(String ns, String name) {
    return kubectl.run("-n", ns, "get", "quota", name, "-o", "json").assertOk().json();
  }

  private void awaitUsed(String resource, String value) {
    awaitUsed(NS, "compute", resource, value);
  }

  private void awaitUsed(String ns, String name, String resource, String value) {
    Poll.until(name + " status.used." + resource + " = " + value, Duration.ofSeconds(30), Duration.ofMillis(200),
        () -> value.equals(quota(ns, name).path("status").path("used").path(resource).asText()),
        () -> quota(ns, name).path("status").toString());
  }
}
