package io.gantry.control.server.controller.nodelifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.MutableClock;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLifecycleControllerTest {

  private static final Instant T0 = Instant.parse("2026-01-02T03:00:00Z");
  private static final String UNREACHABLE = "node.kubernetes.io/unreachable";

  @TempDir
  Path dir;
  private SqliteStore store;
  private MutableClock clock;
  private ObjectRegistry registry;
  private NodeLifecycleController controller;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    clock = new MutableClock(T0);
    registry = new ObjectRegistry(store, clock);
    for (String namespace : List.of("default", "kube-node-lease")) {
      ObjectNode ns = Json.object();
      ns.putObject("metadata").put("name", namespace);
      registry.create(ResourceTypes.NAMESPACES, null, ns);
    }
    controller = new NodeLifecycleController(registry, clock, Duration.ofSeconds(40), Duration.ofSeconds(300));
  }

  @AfterEach
  void close() {
    controller.close();
    store.close();
  }

  @Test
  void aSilentNodeGoesUnknownThenLosesItsPods() throws Exception {
    registerNode("n1");
    renewLease("n1");
    boundPod("web", "n1", null);
    boundPod("daemon", "n1", "{\"key\":\"" + UNREACHABLE + "\",\"operator\":\"Exists\",\"effect\":\"NoExecute\"}");
    boundPod("patient", "n1", "{\"key\":\"" + UNREACHABLE + "\",\"operator\":\"Exists\",\"effect\":\"NoExecute\","
        + "\"tolerationSeconds\":600}");

    clock.advance(Duration.ofSeconds(40));
    controller.runOnce();
    assertEquals("True", ready(node("n1")).path("status").asText(), "40 s is still within the grace period");
    assertTrue(taints(node("n1")).isEmpty());

    clock.advance(Duration.ofSeconds(1));
    controller.runOnce();
    ObjectNode node = node("n1");
    JsonNode ready = ready(node);
    assertEquals("Unknown", ready.path("status").asText());
    assertEquals("NodeStatusUnknown", ready.path("reason").asText());
    assertEquals("Kubelet stopped posting node status.", ready.path("message").asText());
    assertEquals("2026-01-02T03:00:41Z", ready.path("lastTransitionTime").asText());
    assertEquals("2026-01-02T03:00:00Z", ready.path("lastHeartbeatTime").asText(), "the heartbeat is not invented");
    assertEquals("Unknown", condition(node, "MemoryPressure").path("status").asText());
    assertEquals(List.of(UNREACHABLE + ":NoSchedule", UNREACHABLE + ":NoExecute"), taints(node));
    assertEquals("2026-01-02T03:00:41Z", node.at("/spec/taints/1/timeAdded").asText());
    for (String pod : List.of("web", "daemon", "patient")) {
      assertEquals("False", condition(pod(pod), "Ready").path("status").asText(), pod + " is no longer ready");
    }
    List<String> nodeEvents = registry.list(ResourceTypes.EVENTS, "default", null, null, 0, null).items().stream()
        .filter(e -> "Node".equals(e.at("/involvedObject/kind").asText()))
        .map(e -> e.path("reason").asText() + ": " + e.path("message").asText()).toList();
    assertEquals(List.of("RegisteredNode: Node n1 event: Registered Node n1 in Controller",
        "NodeNotReady: Node n1 status is now: NodeNotReady"), nodeEvents, "the node controller's events");

    clock.advance(Duration.ofSeconds(299));
    controller.runOnce();
    assertFalse(ObjectMeta.isDeleting(pod("web")), "eviction waits podEvictionTimeout after the taint");

    clock.advance(Duration.ofSeconds(1));
    controller.runOnce();
    assertTrue(ObjectMeta.isDeleting(pod("web")), "web is evicted after 300 s");
    assertTrue(pod("web").at("/status/conditions").findValues("reason").stream()
        .anyMatch(r -> r.asText().equals("DeletionByTaintManager")), "the DisruptionTarget condition first");
    assertFalse(ObjectMeta.isDeleting(pod("daemon")), "a pod tolerating the taint forever stays");
    assertFalse(ObjectMeta.isDeleting(pod("patient")), "tolerationSeconds 600 has not run out");
    assertTrue(registry.list(ResourceTypes.EVENTS, "default", null, null, 0, null).items().stream()
        .anyMatch(e -> "TaintManagerEviction".equals(e.path("reason").asText())
            && "web".equals(e.at("/involvedObject/name").asText())));

    clock.advance(Duration.ofHours(1));
    controller.runOnce();
    assertTrue(ObjectMeta.isDeleting(pod("web")), "no node agent confirms the deletion, so the pod stays Terminating:"
        + " removing it could let two copies run (upstream has not force-deleted since 1.5)");

    assertTrue(ObjectMeta.isDeleting(pod("patient")), "tolerationSeconds 600 ran out");
    assertFalse(ObjectMeta.isDeleting(pod("daemon")));
  }

  @Test
  void aNodeThatResumesRecoversAndKeepsItsPods() throws Exception {
    registerNode("n1");
    renewLease("n1");
    boundPod("web", "n1", null);
    clock.advance(Duration.ofSeconds(60));
    controller.runOnce();
    assertEquals("Unknown", ready(node("n1")).path("status").asText());

    clock.advance(Duration.ofSeconds(100));
    renewLease("n1");
    controller.runOnce();
    assertEquals("Unknown", ready(node("n1")).path("status").asText(), "the node agent reports Ready itself");
    postReady("n1");
    controller.runOnce();

    ObjectNode node = node("n1");
    assertEquals("True", ready(node).path("status").asText());
    assertTrue(taints(node).isEmpty(), "the unreachable taints are gone once Ready is True");
    clock.advance(Duration.ofSeconds(600));
    renewLease("n1");
    controller.runOnce();
    assertFalse(ObjectMeta.isDeleting(pod("web")), "a node that came back keeps its pods");
  }

  @Test
  void leaseRenewalsAloneKeepANodeAlive() throws Exception {
    registerNode("n1");
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(30));
      renewLease("n1");
      controller.runOnce();
    }

    assertEquals("True", ready(node("n1")).path("status").asText());
    assertTrue(taints(node("n1")).isEmpty());
  }

  @Test
  void readyFalseTaintsNotReadyAndKeepsOtherTaints() throws Exception {
    ObjectNode node = nodeObject("n1", "False");
    ((ObjectNode) node.get("spec")).putArray("taints").addObject().put("key", "dedicated").put("value", "gpu")
        .put("effect", "NoSchedule");
    registry.create(ResourceTypes.NODES, null, node);
    renewLease("n1");

    controller.runOnce();

    assertEquals(List.of("dedicated:NoSchedule", "node.kubernetes.io/not-ready:NoSchedule",
        "node.kubernetes.io/not-ready:NoExecute"), taints(node("n1")));
  }

  @Test
  void aPodBoundToANodeMissingForTheQuarantineIsFailedAndDeleted() throws Exception {
    registerNode("n1");
    boundPod("kept", "n1", null);
    boundPod("orphan", "ghost", null);
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    var store = registry.store();
    try (var watch = store.watch(ResourceTypes.PODS.key("default", "orphan"), store.currentRevision() + 1,
        event -> seen.add(event.type() + " " + Json.parseObject(event.kv().value()).at("/status/phase").asText()
            + " " + Json.parseObject(event.kv().value()).at("/status/conditions").toString()))) {
      controller.runOnce();
      clock.advance(Duration.ofSeconds(30));
      renewLease("n1");
      controller.runOnce();
      assertTrue(registry.find(ResourceTypes.PODS, "default", "orphan").isPresent(), "quarantined for 40 s");

      clock.advance(Duration.ofSeconds(11));
      renewLease("n1");
      controller.runOnce();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (seen.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20); // watch events arrive on the store's thread
      }
    }

    assertTrue(registry.find(ResourceTypes.PODS, "default", "orphan").isEmpty());
    assertTrue(registry.find(ResourceTypes.PODS, "default", "kept").isPresent());
    assertEquals(2, seen.size(), seen.toString());
    assertTrue(seen.get(0).startsWith("PUT Failed ") && seen.get(0).contains("\"type\":\"DisruptionTarget\"")
        && seen.get(0).contains("\"reason\":\"DeletionByPodGC\""), seen.toString());
    assertTrue(seen.get(1).startsWith("DELETE"), seen.toString());
  }

  @Test
  void aNoExecuteTaintEvictsWhoDoesNotTolerateItAndTheTolerantAfterTheirSeconds() throws Exception {
    registerNode("n1");
    renewLease("n1");
    boundPod("intolerant", "n1", null);
    boundPod("patient", "n1", "{\"key\":\"dedicated\",\"operator\":\"Exists\",\"effect\":\"NoExecute\","
        + "\"tolerationSeconds\":60}");
    boundPod("forever", "n1", "{\"key\":\"dedicated\",\"operator\":\"Exists\",\"effect\":\"NoExecute\"}");
    boundPod("brief", "n1", "{\"key\":\"dedicated\",\"operator\":\"Exists\",\"effect\":\"NoExecute\","
        + "\"tolerationSeconds\":30}");
    ObjectNode tainted = node("n1");
    ((ObjectNode) tainted.get("spec")).putArray("taints").addObject().put("key", "dedicated").put("value", "x")
        .put("effect", "NoExecute");
    registry.update(ResourceTypes.NODES, null, "n1", tainted, null);

    controller.runOnce();
    assertTrue(ObjectMeta.isDeleting(pod("intolerant")) || registry.find(ResourceTypes.PODS, "default", "intolerant")
        .isEmpty(), "not tolerated: evicted at once");
    assertFalse(ObjectMeta.isDeleting(pod("patient")));

    clock.advance(Duration.ofSeconds(20));
    renewLease("n1");
    controller.runOnce();
    ObjectNode untainted = node("n1");
    ((ObjectNode) untainted.get("spec")).remove("taints");
    registry.update(ResourceTypes.NODES, null, "n1", untainted, null);
    controller.runOnce(); // the taint is gone: the pending evictions are cancelled
    ObjectNode retainted = node("n1");
    ((ObjectNode) retainted.get("spec")).set("taints", tainted.at("/spec/taints"));
    registry.update(ResourceTypes.NODES, null, "n1", retainted, null);
    controller.runOnce(); // counted again from here

    clock.advance(Duration.ofSeconds(40));
    renewLease("n1");
    controller.runOnce();
    assertFalse(ObjectMeta.isDeleting(pod("patient")), "60 s from the second sighting, not the first");
    assertTrue(ObjectMeta.isDeleting(pod("brief")), "30 s after the second sighting");
    clock.advance(Duration.ofSeconds(21));
    renewLease("n1");
    controller.runOnce();
    assertTrue(ObjectMeta.isDeleting(pod("patient")));
    assertFalse(ObjectMeta.isDeleting(pod("forever")), "tolerates it without seconds: stays");
  }

  @Test
  void aCordonedNodeCarriesTheUnschedulableTaintUntilUncordoned() throws Exception {
    registerNode("n1");
    renewLease("n1");
    ObjectNode cordoned = node("n1");
    ((ObjectNode) cordoned.get("spec")).put("unschedulable", true);
    registry.update(ResourceTypes.NODES, null, "n1", cordoned, null);

    controller.runOnce();
    assertEquals(List.of("node.kubernetes.io/unschedulable:NoSchedule"), taints(node("n1")));
    controller.runOnce();
    assertEquals(List.of("node.kubernetes.io/unschedulable:NoSchedule"), taints(node("n1")), "added once");

    ObjectNode uncordoned = node("n1");
    ((ObjectNode) uncordoned.get("spec")).remove("unschedulable");
    registry.update(ResourceTypes.NODES, null, "n1", uncordoned, null);
    controller.runOnce();
    assertTrue(taints(node("n1")).isEmpty(), taints(node("n1")).toString());
  }

  @Test
  void aNodeThatNeverPostedStatusGoesUnknownAfterTheGracePeriod() throws Exception {
    ObjectNode bare = Json.object();
    bare.putObject("metadata").put("name", "n1");
    registry.create(ResourceTypes.NODES, null, bare);

    clock.advance(Duration.ofSeconds(41));
    controller.runOnce();

    JsonNode ready = ready(node("n1"));
    assertEquals("Unknown", ready.path("status").asText());
    assertEquals("NodeStatusNeverUpdated", ready.path("reason").asText());
    assertEquals("Kubelet never posted node status.", ready.path("message").asText());
    assertEquals(List.of(UNREACHABLE + ":NoSchedule", UNREACHABLE + ":NoExecute"), taints(node("n1")));
  }

  @Test
  void rejectsNonPositiveTimings() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NodeLifecycleController(registry, clock, Duration.ZERO, Duration.ofSeconds(300)));
    assertEquals("nodeMonitorGracePeriod: PT0S (expected: a positive duration)", e.getMessage());
  }

  // --- fixtures

  private void registerNode(String name) throws ApiException {
    registry.create(ResourceTypes.NODES, null, nodeObject(name, "True"));
  }

  private ObjectNode nodeObject(String name, String ready) {
    ObjectNode node = Json.object();
    node.putObject("metadata").put("name", name);
    node.putObject("spec");
    ObjectNode status = node.putObject("status");
    status.putArray("conditions").addObject().put("type", "Ready").put("status", ready).put("reason", "KubeletReady")
        .put("lastHeartbeatTime", ObjectMeta.timestamp(clock.instant()))
        .put("lastTransitionTime", ObjectMeta.timestamp(clock.instant()));
    ((ArrayNode) status.get("conditions")).addObject()
        .put("type", "MemoryPressure").put("status", "False").put("reason", "KubeletHasSufficientMemory")
        .put("lastHeartbeatTime", ObjectMeta.timestamp(clock.instant()))
        .put("lastTransitionTime", ObjectMeta.timestamp(clock.instant()));
    return node;
  }

  /** What a node agent does each 10 s: create or renew its Lease. */
  private void renewLease(String node) throws ApiException {
    String renew = clock.instant().toString().replace("Z", ".000000Z");
    var existing = registry.find(ResourceTypes.LEASES, "kube-node-lease", node);
    if (existing.isEmpty()) {
      ObjectNode lease = Json.object();
      lease.putObject("metadata").put("name", node);
      lease.putObject("spec").put("holderIdentity", node).put("leaseDurationSeconds", 40).put("renewTime", renew);
      registry.create(ResourceTypes.LEASES, "kube-node-lease", lease);
    } else {
      ObjectNode lease = existing.get().deepCopy();
      ((ObjectNode) lease.get("spec")).put("renewTime", renew);
      registry.update(ResourceTypes.LEASES, "kube-node-lease", node, lease, null);
    }
  }

  /** What a node agent does when it comes back: post Ready=True with a fresh heartbeat. */
  private void postReady(String name) throws ApiException {
    ObjectNode node = node(name).deepCopy();
    ObjectNode ready = (ObjectNode) ready(node);
    ready.put("status", "True").put("reason", "KubeletReady").put("message", "kubelet is posting ready status")
        .put("lastHeartbeatTime", ObjectMeta.timestamp(clock.instant()))
        .put("lastTransitionTime", ObjectMeta.timestamp(clock.instant()));
    registry.update(ResourceTypes.NODES, null, name, node, "status");
  }

  private void boundPod(String name, String node, String toleration) throws ApiException {
    ObjectNode pod = Json.object();
    pod.putObject("metadata").put("name", name);
    ObjectNode spec = pod.putObject("spec");
    spec.put("nodeName", node);
    spec.putArray("containers").addObject().put("name", "app").put("image", "nginx:1.27");
    if (toleration != null) {
      spec.putArray("tolerations").add(Json.parseObject(toleration.getBytes(StandardCharsets.UTF_8)));
    }
    ObjectNode created = registry.create(ResourceTypes.PODS, "default", pod);
    ObjectNode running = created.deepCopy();
    ObjectNode status = (ObjectNode) running.get("status");
    status.put("phase", "Running");
    status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
        .put("lastTransitionTime", ObjectMeta.timestamp(clock.instant()));
    registry.update(ResourceTypes.PODS, "default", name, running, "status");
  }

  private ObjectNode node(String name) throws ApiException {
    return registry.get(ResourceTypes.NODES, null, name);
  }

  private ObjectNode pod(String name) throws ApiException {
    return registry.get(ResourceTypes.PODS, "default", name);
  }

  private static JsonNode ready(JsonNode node) {
    return condition(node, "Ready");
  }

  private static JsonNode condition(JsonNode object, String type) {
    for (JsonNode condition : object.path("status").path("conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return Json.object();
  }

  private static List<String> taints(JsonNode node) {
    List<String> taints = new ArrayList<>();
    for (JsonNode taint : node.path("spec").path("taints")) {
      taints.add(taint.path("key").asText() + ":" + taint.path("effect").asText());
    }
    return taints;
  }
}
