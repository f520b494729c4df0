package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.ApiClient;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.Kubectl;
import io.gantry.testing.Poll;
import io.gantry.testing.WatchStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Events a pod's life leaves behind, as {@code kubectl get events} shows them: the scheduler's,
 * the kubelet's (the node agent), the ReplicaSet and Deployment controllers'; and the same Events
 * through the events.k8s.io/v1 API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventsIT {

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
  void aDeploymentsPodLifecycleIsRecordedByEveryComponentInvolved() {
    String ns = "events-lifecycle";
    kubectl.run("create", "namespace", ns).assertOk();
    kubectl.run("-n", ns, "create", "deployment", "web", "--image=gantry/echo-http").assertOk();
    kubectl.run("-n", ns, "rollout", "status", "deployment/web", "--timeout=60s").assertOk();
    String pod = kubectl.run("-n", ns, "get", "pods", "-o", "jsonpath={.items[0].metadata.name}").assertOk().stdout();
    String rs = kubectl.run("-n", ns, "get", "rs", "-o", "jsonpath={.items[0].metadata.name}").assertOk().stdout();

    kubectl.run("-n", ns, "delete", "pod", pod).assertOk();

    List<String> wanted = List.of(
        "Pod " + pod + " Scheduled default-scheduler",
        "Pod " + pod + " Pulled kubelet",
        "Pod " + pod + " Created kubelet",
        "Pod " + pod + " Started kubelet",
        "Pod " + pod + " Killing kubelet",
        "ReplicaSet " + rs + " SuccessfulCreate replicaset-controller",
        "Deployment web ScalingReplicaSet deployment-controller");
    Poll.until("the lifecycle's events " + wanted, Duration.ofSeconds(30), Duration.ofMillis(500),
        () -> events(ns).containsAll(wanted), () -> events(ns));
    kubectl.run("-n", ns, "describe", "deployment", "web").assertOk()
        .assertStdoutContains("Scaled up replica set " + rs + " from 0 to 1");
  }

  @Test
  void everyFailedProbeIsCountedOnOneUnhealthyEvent() {
    String ns = "events-probes";
    kubectl.run("create", "namespace", ns).assertOk();
    // nothing listens on port 1: each readiness attempt fails, once a second
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: unready}
        spec:
          containers:
          - name: web
            image: gantry/echo-http
            readinessProbe: {tcpSocket: {port: 1}, periodSeconds: 1}
        """, "-n", ns, "apply", "-f", "-").assertOk();
    Poll.until("an Unhealthy event counted three times", Duration.ofSeconds(40), Duration.ofMillis(500),
        () -> unhealthy(ns).size() == 1 && unhealthy(ns).get(0).path("count").asInt() >= 3, () -> unhealthy(ns));
    JsonNode event = unhealthy(ns).get(0);
    assertTrue(event.path("message").asText().startsWith("Readiness probe failed: "),
        event.toString());
    assertEquals("spec.containers{web}", event.at("/involvedObject/fieldPath").asText());
  }

  @Test
  void theEventsApiServesTheCoreEventsInItsOwnShape() {
    String ns = "events-api";
    kubectl.run("create", "namespace", ns).assertOk();
    String base = "/apis/events.k8s.io/v1/namespaces/" + ns + "/events";
    ApiClient api = gantry.api();
    // discovery: the group, its events without the core short name
    JsonNode resources = Json.parse(api.get("/apis/events.k8s.io/v1").body()).path("resources");
    assertEquals("events Event true no short names", resources.get(0).path("name").asText() + " "
        + resources.get(0).path("kind").asText() + " " + resources.get(0).path("namespaced").asBoolean() + " "
        + (resources.get(0).has("shortNames") ? resources.get(0).path("shortNames") : "no short names"));

    try (WatchStream watch = api.watch(base + "?watch=true&fieldSelector=reportingController%3Dtest-controller")) {
      // kubectl writes through the events API (the manifest names its group), kubectl reads the core Event
      kubectl.runWithInput("""
          apiVersion: events.k8s.io/v1
          kind: Event
          metadata: {name: event-test, labels: {testevent-set: "true"}}
          regarding: {namespace: events-api, kind: Pod, name: web}
          eventTime: "2017-09-19T13:49:16.000000Z"
          note: This is event-test
          action: Do
          reason: Test
          type: Normal
          reportingController: test-controller
          reportingInstance: test-node
          """, "-n", ns, "create", "-f", "-").assertOk().assertStdoutContains("event.events.k8s.io/event-test created");
      JsonNode core = Json.parse(api.get("/api/v1/namespaces/" + ns + "/events/event-test").body());
      assertEquals("v1 This is event-test web test-controller", core.path("apiVersion").asText() + " "
          + core.path("message").asText() + " " + core.at("/involvedObject/name").asText() + " "
          + core.path("reportingComponent").asText());
      JsonNode added = watch.next(Duration.ofSeconds(10));
      assertEquals("ADDED events.k8s.io/v1 This is event-test", added.path("type").asText() + " "
          + added.at("/object/apiVersion").asText() + " " + added.at("/object/note").asText());

      // both groups print through the events printer; the core one selects on source, as upstream falls back
      Map<String, String> row = kubectl.run("-n", ns, "get", "events.v1.events.k8s.io", "-o", "wide").table()
          .rowNamed("event-test");
      assertEquals("Normal Test pod/web This is event-test test-controller, test-node", row.get("TYPE") + " "
          + row.get("REASON") + " " + row.get("OBJECT") + " " + row.get("MESSAGE") + " " + row.get("SOURCE"));
      assertEquals("event-test", kubectl.run("-n", ns, "get", "events", "--field-selector", "source=test-controller",
          "-o", "jsonpath={.items[*].metadata.name}").assertOk().stdout().trim());

      // patches of every kind name the events API's fields
      assertEquals(200, api.patch(base + "/event-test", "application/strategic-merge-patch+json",
          "{\"series\":{\"count\":2,\"lastObservedTime\":\"2017-09-19T13:49:11.000000Z\"}}").statusCode());
      assertEquals(200, api.patch(base + "/event-test", "application/merge-patch+json",
          "{\"metadata\":{\"labels\":{\"merged\":\"yes\"}}}").statusCode());
      assertEquals(200, api.patch(base + "/event-test", "application/json-patch+json",
          "[{\"op\":\"replace\",\"path\":\"/series/count\",\"value\":100}]").statusCode());
      // the events API keeps the note, as upstream's ValidateEventUpdate; the core API may change it
      HttpResponse<String> noteChanged = api.patch(base + "/event-test", "application/strategic-merge-patch+json",
          "{\"note\":\"This is a test event - patched\"}");
      assertEquals(422, noteChanged.statusCode(), noteChanged.body());
      assertTrue(noteChanged.body().contains("message: Invalid value"), noteChanged.body());
      JsonNode patched = Json.parse(api.get("/api/v1/namespaces/" + ns + "/events/event-test").body());
      assertEquals("This is event-test yes 100", patched.path("message").asText() + " "
          + patched.at("/metadata/labels/merged").asText() + " " + patched.at("/series/count").asInt());
      assertEquals("MODIFIED 2", watch.next(Duration.ofSeconds(10)).path("type").asText()
          + " " + watch.seen().get(1).at("/object/series/count").asInt());

      // the events API is stricter: what it refuses, the core API takes
      HttpResponse<String> refused = api.post(base, "{\"metadata\":{\"name\":\"timeless\"},"
          + "\"regarding\":{\"namespace\":\"events-api\"},\"reason\":\"Test\",\"type\":\"Normal\"}");
      assertEquals(422, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("Event.events.k8s.io \\\"timeless\\\" is invalid: eventTime: Required value"),
          refused.body());
      assertEquals(201, api.post("/api/v1/namespaces/" + ns + "/events", "{\"metadata\":{\"name\":\"timeless\","
          + "\"labels\":{\"testevent-set\":\"true\"}},\"involvedObject\":{\"namespace\":\"events-api\"},"
          + "\"reason\":\"Test\"}").statusCode());

      // deletecollection through the events API removes the core Events
      HttpResponse<String> deleted = api.delete(base + "?labelSelector=testevent-set%3Dtrue");
      assertEquals(200, deleted.statusCode(), deleted.body());
      assertEquals("", kubectl.run("-n", ns, "get", "events", "-o", "name").assertOk().stdout().trim());
      List<String> types = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        types.add(watch.next(Duration.ofSeconds(10)).path("type").asText());
      }
      assertEquals(List.of("MODIFIED", "MODIFIED", "DELETED"), types, watch.seen().toString());
    }
  }

  private List<JsonNode> unhealthy(String ns) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode e : kubectl.run("-n", ns, "get", "events", "-o", "json").assertOk().json().path("items")) {
      if (e.path("reason").asText().equals("Unhealthy")) {
        found.add(e);
      }
    }
    return found;
  }

  /** Each event as "kind name reason source". */
  private List<String> events(String ns) {
    JsonNode list = kubectl.run("-n", ns, "get", "events", "-o", "json").assertOk().json();
    List<String> events = new ArrayList<>();
    for (JsonNode e : list.path("items")) {
      events.add(e.at("/involvedObject/kind").asText() + " " + e.at("/involvedObject/name").asText() + " "
          + e.path("reason").asText() + " " + e.at("/source/component").asText());
    }
    return events;
  }
}
