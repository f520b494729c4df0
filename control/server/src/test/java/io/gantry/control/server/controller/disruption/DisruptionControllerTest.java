package io.gantry.control.server.controller.disruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disruption controller against a real store: budgets follow their pods and their pods' controllers. */
class DisruptionControllerTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;
  private DisruptionController controller;
  private String replicaSetUid;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC());
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
    replicaSetUid = registry.create(ResourceTypes.REPLICASETS, "demo", json("{\"metadata\":{\"name\":\"web-1\"},"
        + "\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":"
        + "{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}"))
        .at("/metadata/uid").asText();
    controller = DisruptionController.start(registry.as("disruption-controller"), new ObjectWatcher(store));
  }

  @AfterEach
  void close() {
    controller.close();
    store.close();
  }

  @Test
  void aBudgetFollowsItsPodsReadinessAndTheReplicasOfTheirController() throws Exception {
    for (String name : new String[] {"a", "b", "c"}) {
      pod(name, "apps/v1", "ReplicaSet", "web-1", replicaSetUid, true);
    }
    budget("{\"maxUnavailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}");

    await(() -> status().path("disruptionsAllowed").asInt() == 1);
    assertEquals("1 healthy 3 desired 2 expected 3 SufficientPods", summary());

    pod("c", "apps/v1", "ReplicaSet", "web-1", replicaSetUid, false);
    await(() -> status().path("disruptionsAllowed").asInt() == 0);
    assertEquals("0 healthy 2 desired 2 expected 3 InsufficientPods", summary());

    ObjectNode replicaSet = registry.get(ResourceTypes.REPLICASETS, "demo", "web-1");
    ((ObjectNode) replicaSet.get("spec")).put("replicas", 2);
    registry.update(ResourceTypes.REPLICASETS, "demo", "web-1", replicaSet, null);
    await(() -> status().path("expectedPods").asInt() == 2);
    assertEquals("1 healthy 2 desired 1 expected 2 SufficientPods", summary());
  }

  @Test
  void aReplicationControllersReplicasCountForItsPods() throws Exception {
    String rcUid = registry.create(ResourceTypes.REPLICATIONCONTROLLERS, "demo", json("{\"metadata\":{\"name\":\"web\"},"
        + "\"spec\":{\"replicas\":4,\"selector\":{\"app\":\"web\"},\"template\":{\"metadata\":{\"labels\":"
        + "{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}"))
        .at("/metadata/uid").asText();
    for (String name : new String[] {"a", "b", "c", "d"}) {
      pod(name, "v1", "ReplicationController", "web", rcUid, true);
    }
    budget("{\"maxUnavailable\":\"50%\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}");

    await(() -> status().path("expectedPods").asInt() == 4);
    assertEquals("2 healthy 4 desired 2 expected 4 SufficientPods", summary());
  }

  @Test
  void aStatefulSetsReplicasCountForItsPods() throws Exception {
    String uid = registry.create(ResourceTypes.STATEFULSETS, "demo", json("{\"metadata\":{\"name\":\"web\"},"
        + "\"spec\":{\"replicas\":4,\"serviceName\":\"web\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
        + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}"))
        .at("/metadata/uid").asText();
    for (String name : new String[] {"web-0", "web-1", "web-2"}) {
      pod(name, "apps/v1", "StatefulSet", "web", uid, true);
    }
    budget("{\"minAvailable\":\"50%\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}");

    // 50% of the set's 4 replicas, not of the 3 pods there are
    await(() -> status().path("expectedPods").asInt() == 4);
    assertEquals("1 healthy 3 desired 2 expected 4 SufficientPods", summary());
  }

  @Test
  void aPodOfAKindNotServedAllowsNoDisruptionAndSaysWhy() throws Exception {
    pod("db-0", "example.com/v1", "Database", "db", "u1", true);
    budget("{\"maxUnavailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}");

    await(() -> status().at("/conditions/0/reason").asText().equals("SyncFailed"));
    assertEquals("no matches for kind \"Database\" in version \"example.com/v1\"",
        status().at("/conditions/0/message").asText());
    assertEquals(0, status().path("disruptionsAllowed").asInt(-1));
    await(() -> events().contains(
        "CalculateExpectedPodCountFailed"));
  }

  @Test
  void aPodOfAJobHasNoScaleToCountAgainst() throws Exception {
    pod("batch-1", "batch/v1", "Job", "batch", "u2", true);
    budget("{\"maxUnavailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}");

    await(() -> status().at("/conditions/0/reason").asText().equals("SyncFailed"));
    // getScaleController names the GroupResource
    assertEquals("jobs.batch does not implement the scale subresource", status().at("/conditions/0/message").asText());
  }

  @Test
  void aPodOfADaemonSetHasNoScaleSoAPercentageBudgetFails() throws Exception {
    pod("agent-1", "apps/v1", "DaemonSet", "agent", "u3", true);
    budget("{\"minAvailable\":\"50%\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}");

    await(() -> status().at("/conditions/0/reason").asText().equals("SyncFailed"));
    assertEquals("daemonsets.apps does not implement the scale subresource",
        status().at("/conditions/0/message").asText());
    assertEquals(0, status().path("disruptionsAllowed").asInt(-1));
  }

  private String events() {
    try {
      return registry.list(ResourceTypes.EVENTS, "demo", null, null, 0, null).items().toString();
    } catch (ApiException e) {
      throw new AssertionError(e);
    }
  }

  private String summary() {
    JsonNode status = status();
    return status.path("disruptionsAllowed").asInt() + " healthy " + status.path("currentHealthy").asInt()
        + " desired " + status.path("desiredHealthy").asInt() + " expected " + status.path("expectedPods").asInt()
        + " " + status.at("/conditions/0/reason").asText();
  }

  private JsonNode status() {
    return registry.find(ResourceTypes.PODDISRUPTIONBUDGETS, "demo", "web").map(b -> b.path("status"))
        .orElse(Json.object());
  }

  private void budget(String spec) throws ApiException {
    registry.create(ResourceTypes.PODDISRUPTIONBUDGETS, "demo", json("{\"metadata\":{\"name\":\"web\"},\"spec\":"
        + spec + "}"));
  }

  /** Creates or updates a running pod owned by the named controller. */
  private void pod(String name, String apiVersion, String kind, String owner, String uid, boolean ready)
      throws ApiException {
    if (registry.find(ResourceTypes.PODS, "demo", name).isEmpty()) {
      registry.create(ResourceTypes.PODS, "demo", json("{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":"
          + "\"web\"},\"ownerReferences\":[{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\",\"name\":\""
          + owner + "\",\"uid\":\"" + uid + "\",\"controller\":true}]},\"spec\":{\"containers\":[{\"name\":\"c\","
          + "\"image\":\"nginx\"}]}}"));
    }
    ObjectNode pod = registry.get(ResourceTypes.PODS, "demo", name);
    pod.putObject("status").put("phase", "Running").putArray("conditions").addObject().put("type", "Ready")
        .put("status", ready ? "True" : "False");
    registry.update(ResourceTypes.PODS, "demo", name, pod, "status");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(10);
    }
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
