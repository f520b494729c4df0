package io.gantry.control.server.controller.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.MutableClock;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private static final long DEADLINE_MILLIS = 10_000;

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;
  private Scheduler scheduler;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    MutableClock clock = new MutableClock(NOW);
    registry = new ObjectRegistry(store, clock);
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"default\"}}"));
    scheduler = Scheduler.start(registry, new ObjectWatcher(store), clock);
  }

  @AfterEach
  void close() {
    scheduler.close();
    store.close();
  }

  @Test
  void bindsToAReadyNodeAndRecordsScheduled() throws Exception {
    node("n1", "True", "2", "4Gi", 110);

    ObjectNode pod = awaitPod("web", p -> !nodeName(p).isEmpty(), pod("web", "100m", "64Mi"));

    assertEquals("n1", nodeName(pod));
    JsonNode scheduled = condition(pod, "PodScheduled");
    assertEquals("True", scheduled.path("status").asText());
    assertEquals("2026-01-02T03:04:05Z", scheduled.path("lastTransitionTime").asText());
    ObjectNode event = awaitEvent("web", "Scheduled");
    assertEquals("Normal", event.path("type").asText());
    assertEquals("Successfully assigned default/web to n1", event.path("message").asText());
    assertEquals(ObjectMeta.text(pod, "uid"), event.at("/involvedObject/uid").asText());
  }

  @Test
  void skipsNodesThatAreNotReady() throws Exception {
    node("a-not-ready", "False", "8", "8Gi", 110);
    node("b-unknown", "Unknown", "8", "8Gi", 110);
    node("c-ready", "True", "1", "1Gi", 110);

    assertEquals("c-ready", nodeName(awaitBound(pod("web", "100m", "64Mi"))));
  }

  @Test
  void skipsUnschedulableNodes() throws Exception {
    ObjectNode cordoned = nodeObject("a-cordoned", "True", "8", "8Gi", 110);
    ((ObjectNode) cordoned.get("spec")).put("unschedulable", true);
    registry.create(ResourceTypes.NODES, null, cordoned);
    node("b-open", "True", "1", "1Gi", 110);

    assertEquals("b-open", nodeName(awaitBound(pod("web", "100m", "64Mi"))));
  }

  @Test
  void insufficientCpuMemoryOrPodsIsReportedPerNode() throws Exception {
    node("cpu-short", "True", "500m", "8Gi", 110);
    node("mem-short", "True", "8", "100Mi", 110);
    node("full", "True", "8", "8Gi", 0);

    ObjectNode pod = awaitUnschedulable(pod("big", "1", "1Gi"));

    assertEquals("0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods."
        + " preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
        condition(pod, "PodScheduled").path("message").asText());
  }

  @Test
  void requestsOfPodsAlreadyOnTheNodeCount() throws Exception {
    node("n1", "True", "1", "1Gi", 110);
    awaitBound(pod("first", "600m", "64Mi"));

    ObjectNode second = awaitUnschedulable(pod("second", "600m", "64Mi"));

    assertTrue(condition(second, "PodScheduled").path("message").asText()
        .startsWith("0/1 nodes are available: 1 Insufficient cpu."));
  }

  /** NodePorts: the e2e HostPort case, where another address or protocol does not conflict. */
  @Test
  void aTakenHostPortKeepsAPodOffTheNode() throws Exception {
    node("n1", "True", "8", "8Gi", 110);
    awaitBound(withHostPort(pod("first", "100m", "64Mi"), "127.0.0.1", "TCP"));
    awaitBound(withHostPort(pod("other-ip", "100m", "64Mi"), "127.0.0.2", "TCP"));
    awaitBound(withHostPort(pod("udp", "100m", "64Mi"), "", "UDP"));

    ObjectNode clash = awaitUnschedulable(withHostPort(pod("any-ip", "100m", "64Mi"), "", "TCP"));
    assertTrue(condition(clash, "PodScheduled").path("message").asText()
        .startsWith("0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."),
        condition(clash, "PodScheduled").toString());
  }

  @Test
  void requiredPodAffinityAndAntiAffinityPlacePodsByTopology() throws Exception {
    for (String name : List.of("n1", "n2")) {
      ObjectNode node = nodeObject(name, "True", "8", "8Gi", 110);
      ((ObjectNode) node.get("metadata")).putObject("labels").put("kubernetes.io/hostname", name);
      registry.create(ResourceTypes.NODES, null, node);
    }
    String anti = "{\"podAntiAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":"
        + "{\"matchLabels\":{\"group\":\"ha\"}},\"topologyKey\":\"kubernetes.io/hostname\"}]}}";
    List<String> placed = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      placed.add(nodeName(awaitBound(withAffinity(pod("ha-" + i, "100m", "64Mi"), "ha", anti))));
    }
    assertEquals(java.util.Set.of("n1", "n2"), java.util.Set.copyOf(placed), "one per node");
    ObjectNode third = awaitUnschedulable(withAffinity(pod("ha-2", "100m", "64Mi"), "ha", anti));
    assertEquals("0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are"
        + " available: 2 No preemption victims found for incoming pod.",
        condition(third, "PodScheduled").path("message").asText());

    // the placed pods' own anti-affinity keeps a pod they select away, though it asks for nothing
    ObjectNode plain = pod("plain", "100m", "64Mi");
    ((ObjectNode) plain.at("/metadata/labels")).put("group", "ha");
    assertTrue(condition(awaitUnschedulable(plain), "PodScheduled").path("message").asText()
        .startsWith("0/2 nodes are available: 2 node(s) didn't satisfy existing pods anti-affinity rules."));

    String follow = "{\"podAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":"
        + "{\"matchLabels\":{\"app\":\"ha-0\"}},\"topologyKey\":\"kubernetes.io/hostname\"}]}}";
    assertEquals(placed.get(0), nodeName(awaitBound(withAffinity(pod("follower", "100m", "64Mi"), "f", follow))));
    String nothing = follow.replace("ha-0", "nobody");
    ObjectNode lonely = awaitUnschedulable(withAffinity(pod("lonely", "100m", "64Mi"), "l", nothing));
    assertTrue(condition(lonely, "PodScheduled").path("message").asText()
        .startsWith("0/2 nodes are available: 2 node(s) didn't match pod affinity rules."), lonely.toString());
  }

  @Test
  void topologySpreadConstraintsRejectNodesInTheConditionAndTheEvent() throws Exception {
    for (String[] nameZone : new String[][] {{"n1", "a"}, {"n2", "b"}, {"n3", "b"}}) {
      ObjectNode node = nodeObject(nameZone[0], "True", "8", "8Gi", 110);
      ((ObjectNode) node.get("metadata")).putObject("labels").put("zone", nameZone[1]);
      registry.create(ResourceTypes.NODES, null, node);
    }
    for (String nodeName : List.of("n1", "n2")) {
      ObjectNode placed = pod("web-" + nodeName, "100m", "64Mi");
      ((ObjectNode) placed.at("/metadata/labels")).put("app", "web");
      ((ObjectNode) placed.get("spec")).put("nodeName", nodeName);
      registry.create(ResourceTypes.PODS, "default", placed);
    }
    String constraint = "{\"maxSkew\":1,\"topologyKey\":\"zone\",\"whenUnsatisfiable\":\"DoNotSchedule\","
        + "\"labelSelector\":{\"matchLabels\":{\"app\":\"web\"}}%s}";
    ObjectNode spread = pod("spread", "100m", "64Mi");
    ((ObjectNode) spread.at("/metadata/labels")).put("app", "web");
    ((ObjectNode) spread.get("spec")).putArray("topologySpreadConstraints").add(json(constraint.formatted(
        ",\"minDomains\":3")));

    ObjectNode pending = awaitUnschedulable(spread);

    String message = "0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints."
        + " preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    assertEquals(message, condition(pending, "PodScheduled").path("message").asText());
    assertEquals(message, awaitEvent("spread", "FailedScheduling").path("message").asText());

    ObjectNode relaxed = pod("relaxed", "100m", "64Mi");
    ((ObjectNode) relaxed.at("/metadata/labels")).put("app", "web");
    ((ObjectNode) relaxed.get("spec")).putArray("topologySpreadConstraints").add(json(constraint.formatted("")));
    assertEquals("n3", nodeName(awaitBound(relaxed)), "with two domains the minimum is 1: any node, n3 the emptiest");
  }

  @Test
  void aGatedPodSaysSoUntilItsGatesAreGone() throws Exception {
    node("n1", "True", "8", "8Gi", 110);
    ObjectNode gated = pod("gated", "100m", "64Mi");
    ((ObjectNode) gated.get("spec")).putArray("schedulingGates").addObject().put("name", "example.com/g");
    registry.create(ResourceTypes.PODS, "default", gated);
    JsonNode scheduled = condition(registry.get(ResourceTypes.PODS, "default", "gated"), "PodScheduled");
    assertEquals("False", scheduled.path("status").asText());
    assertEquals("SchedulingGated", scheduled.path("reason").asText());
    assertEquals("Scheduling is blocked due to non-empty scheduling gates", scheduled.path("message").asText());

    ObjectNode ungated = registry.get(ResourceTypes.PODS, "default", "gated").deepCopy();
    ((ObjectNode) ungated.get("spec")).remove("schedulingGates");
    registry.update(ResourceTypes.PODS, "default", "gated", ungated, null);
    ObjectNode bound = awaitPod("gated", p -> !nodeName(p).isEmpty(), null);
    assertEquals("True", condition(bound, "PodScheduled").path("status").asText());
    assertFalse(condition(bound, "PodScheduled").has("reason"), bound.path("status").toString());
  }

  private static ObjectNode withAffinity(ObjectNode pod, String group, String affinity) {
    ((ObjectNode) pod.at("/metadata/labels")).put("group", group);
    ((ObjectNode) pod.get("spec")).set("affinity", Json.parseObject(affinity.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return pod;
  }

  /** A host-network pod's container ports default to host ports, so two of them do not share a node. */
  @Test
  void hostNetworkPodsWithOnePortDoNotShareANode() throws Exception {
    node("n1", "True", "8", "8Gi", 110);
    ObjectNode first = hostNetwork(pod("host-a", "100m", "64Mi"));
    assertEquals(8080, awaitBound(first).at("/spec/containers/0/ports/0/hostPort").asInt(), "defaulted");
    awaitUnschedulable(hostNetwork(pod("host-b", "100m", "64Mi")));
  }

  private static ObjectNode hostNetwork(ObjectNode pod) {
    ((ObjectNode) pod.get("spec")).put("hostNetwork", true);
    ((ObjectNode) pod.at("/spec/containers/0")).putArray("ports").addObject().put("containerPort", 8080);
    return pod;
  }

  private static ObjectNode withHostPort(ObjectNode pod, String hostIp, String protocol) {
    ObjectNode port = ((ObjectNode) pod.at("/spec/containers/0")).putArray("ports").addObject();
    port.put("containerPort", 8080).put("hostPort", 54323).put("protocol", protocol);
    if (!hostIp.isEmpty()) {
      port.put("hostIP", hostIp);
    }
    return pod;
  }

  @Test
  void nodeSelectorNeedsEveryLabel() throws Exception {
    ObjectNode ssd = nodeObject("a-ssd", "True", "8", "8Gi", 110);
    ObjectNode labels = ((ObjectNode) ssd.get("metadata")).putObject("labels");
    labels.put("disk", "ssd");
    labels.put("zone", "z1");
    registry.create(ResourceTypes.NODES, null, ssd);
    ObjectNode hdd = nodeObject("b-hdd", "True", "8", "8Gi", 110);
    ((ObjectNode) hdd.get("metadata")).putObject("labels").put("disk", "hdd");
    registry.create(ResourceTypes.NODES, null, hdd);
    ObjectNode wantsSsd = pod("fast", "100m", "64Mi");
    ((ObjectNode) wantsSsd.get("spec")).putObject("nodeSelector").put("disk", "ssd").put("zone", "z1");
    ObjectNode wantsNvme = pod("faster", "100m", "64Mi");
    ((ObjectNode) wantsNvme.get("spec")).putObject("nodeSelector").put("disk", "nvme");

    assertEquals("a-ssd", nodeName(awaitBound(wantsSsd)));
    assertEquals("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."
        + " preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
        condition(awaitUnschedulable(wantsNvme), "PodScheduled").path("message").asText());
  }

  @Test
  void taintsRepelPodsThatDoNotTolerateThem() throws Exception {
    ObjectNode gpu = nodeObject("gpu", "True", "8", "8Gi", 110);
    ((ObjectNode) gpu.get("spec")).putArray("taints").addObject()
        .put("key", "dedicated").put("value", "gpu").put("effect", "NoSchedule");
    registry.create(ResourceTypes.NODES, null, gpu);

    ObjectNode plain = awaitUnschedulable(pod("plain", "100m", "64Mi"));
    assertEquals("0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}."
        + " preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
        condition(plain, "PodScheduled").path("message").asText());

    ObjectNode tolerant = pod("tolerant", "100m", "64Mi");
    ((ObjectNode) tolerant.get("spec")).putArray("tolerations").addObject()
        .put("key", "dedicated").put("operator", "Equal").put("value", "gpu").put("effect", "NoSchedule");
    assertEquals("gpu", nodeName(awaitBound(tolerant)));
  }

  @Test
  void noExecuteTaintsRepelToo() throws Exception {
    ObjectNode draining = nodeObject("draining", "True", "8", "8Gi", 110);
    ((ObjectNode) draining.get("spec")).putArray("taints").addObject().put("key", "maintenance").put("effect", "NoExecute");
    registry.create(ResourceTypes.NODES, null, draining);

    ObjectNode pod = awaitUnschedulable(pod("web", "100m", "64Mi"));

    assertTrue(condition(pod, "PodScheduled").path("message").asText()
        .startsWith("0/1 nodes are available: 1 node(s) had untolerated taint {maintenance: }."));
  }

  @Test
  void spreadsTheReplicasOfOneOwnerOverTheNodes() throws Exception {
    for (String name : List.of("n1", "n2", "n3")) {
      node(name, "True", "8", "8Gi", 110);
    }
    for (int i = 0; i < 6; i++) {
      ObjectNode pod = pod("web-" + i, "100m", "64Mi");
      ((ObjectNode) pod.get("metadata")).putArray("ownerReferences").addObject()
          .put("apiVersion", "apps/v1").put("kind", "ReplicaSet").put("name", "web-5d8f")
          .put("uid", "6f1c0c8e-0000-4000-8000-000000000001").put("controller", true);
      registry.create(ResourceTypes.PODS, "default", pod);
    }

    Map<String, Integer> perNode = new TreeMap<>();
    for (int i = 0; i < 6; i++) {
      perNode.merge(nodeName(awaitPod("web-" + i, p -> !nodeName(p).isEmpty(), null)), 1, Integer::sum);
    }

    assertEquals(Map.of("n1", 2, "n2", 2, "n3", 2), perNode);
  }

  @Test
  void unschedulablePodGetsConditionAndFailedSchedulingEvent() throws Exception {
    node("n1", "True", "1", "1Gi", 110);
    node("n2", "True", "8", "8Gi", 110);
    ObjectNode n3 = nodeObject("n3", "True", "8", "8Gi", 110);
    ((ObjectNode) n3.get("metadata")).putObject("labels").put("disk", "hdd");
    registry.create(ResourceTypes.NODES, null, n3);
    ObjectNode pod = pod("huge", "4", "1Gi");
    ((ObjectNode) pod.get("spec")).putObject("nodeSelector").put("disk", "ssd");

    ObjectNode pending = awaitUnschedulable(pod);

    String message = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."
        + " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    JsonNode condition = condition(pending, "PodScheduled");
    assertEquals("False", condition.path("status").asText());
    assertEquals("Unschedulable", condition.path("reason").asText());
    assertEquals(message, condition.path("message").asText());
    assertEquals("", nodeName(pending));
    ObjectNode event = awaitEvent("huge", "FailedScheduling");
    assertEquals("Warning", event.path("type").asText());
    assertEquals(message, event.path("message").asText());
    assertEquals("Pod", event.at("/involvedObject/kind").asText());
    assertEquals("huge", event.at("/involvedObject/name").asText());
    assertEquals("default", event.at("/involvedObject/namespace").asText());
    assertEquals(ObjectMeta.text(pending, "uid"), event.at("/involvedObject/uid").asText());
    assertEquals("default-scheduler", event.at("/source/component").asText());
    assertEquals("default-scheduler", event.path("reportingComponent").asText());
    assertEquals("2026-01-02T03:04:05Z", event.path("firstTimestamp").asText());
    assertEquals("2026-01-02T03:04:05Z", event.path("lastTimestamp").asText());
    assertTrue(event.path("count").asInt() >= 1);
    assertTrue(ObjectMeta.name(event).matches("huge\\.[0-9a-f]+"), ObjectMeta.name(event));
  }

  @Test
  void retriesWhenAFittingNodeAppears() throws Exception {
    node("small", "True", "500m", "1Gi", 110);
    awaitUnschedulable(pod("web", "1", "64Mi"));

    node("large", "True", "4", "8Gi", 110);

    ObjectNode bound = awaitPod("web", p -> !nodeName(p).isEmpty(), null);
    assertEquals("large", nodeName(bound));
    assertEquals("True", condition(bound, "PodScheduled").path("status").asText());
  }

  @Test
  void retriesWhenANodeBecomesReady() throws Exception {
    ObjectNode node = registry.create(ResourceTypes.NODES, null, nodeObject("n1", "False", "4", "8Gi", 110));
    awaitUnschedulable(pod("web", "100m", "64Mi"));

    ObjectNode ready = node.deepCopy();
    ((ObjectNode) ready.at("/status/conditions/0")).put("status", "True");
    registry.update(ResourceTypes.NODES, null, "n1", ready, "status");

    assertEquals("n1", nodeName(awaitPod("web", p -> !nodeName(p).isEmpty(), null)));
  }

  @Test
  void leavesPodsOfOtherSchedulersAlone() throws Exception {
    node("n1", "True", "4", "8Gi", 110);
    ObjectNode other = pod("other", "100m", "64Mi");
    ((ObjectNode) other.get("spec")).put("schedulerName", "my-scheduler");
    registry.create(ResourceTypes.PODS, "default", other);

    awaitBound(pod("mine", "100m", "64Mi"));

    ObjectNode untouched = registry.get(ResourceTypes.PODS, "default", "other");
    assertEquals("", nodeName(untouched));
    assertTrue(untouched.path("status").path("conditions").isMissingNode());
  }

  // --- fixtures

  private void node(String name, String ready, String cpu, String memory, int pods) throws ApiException {
    registry.create(ResourceTypes.NODES, null, nodeObject(name, ready, cpu, memory, pods));
  }

  private static ObjectNode nodeObject(String name, String ready, String cpu, String memory, int pods) {
    ObjectNode node = Json.object();
    node.putObject("metadata").put("name", name);
    node.putObject("spec");
    ObjectNode status = node.putObject("status");
    ObjectNode allocatable = status.putObject("allocatable");
    allocatable.put("cpu", cpu);
    allocatable.put("memory", memory);
    allocatable.put("pods", Integer.toString(pods));
    status.set("capacity", allocatable.deepCopy());
    ArrayNode conditions = status.putArray("conditions");
    conditions.addObject().put("type", "Ready").put("status", ready).put("reason", "KubeletReady")
        .put("lastHeartbeatTime", "2026-01-02T03:04:00Z").put("lastTransitionTime", "2026-01-02T03:00:00Z");
    return node;
  }

  private static ObjectNode pod(String name, String cpu, String memory) {
    ObjectNode pod = Json.object();
    pod.putObject("metadata").put("name", name).putObject("labels").put("app", name);
    ObjectNode container = pod.putObject("spec").putArray("containers").addObject();
    container.put("name", "app");
    container.put("image", "nginx:1.27");
    ObjectNode requests = container.putObject("resources").putObject("requests");
    requests.put("cpu", cpu);
    requests.put("memory", memory);
    return pod;
  }

  private ObjectNode awaitBound(ObjectNode pod) throws Exception {
    return awaitPod(ObjectMeta.name(pod), p -> !nodeName(p).isEmpty(), pod);
  }

  private ObjectNode awaitUnschedulable(ObjectNode pod) throws Exception {
    return awaitPod(ObjectMeta.name(pod), p -> "False".equals(condition(p, "PodScheduled").path("status").asText()),
        pod);
  }

  /** Creates the pod (unless null) and polls it until the predicate holds. */
  private ObjectNode awaitPod(String name, Predicate<ObjectNode> done, ObjectNode create) throws Exception {
    if (create != null) {
      registry.create(ResourceTypes.PODS, "default", create);
    }
    long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      ObjectNode pod = registry.get(ResourceTypes.PODS, "default", name);
      if (done.test(pod)) {
        return pod;
      }
      Thread.sleep(10);
    }
    fail("pod " + name + " never reached the expected state: " + registry.get(ResourceTypes.PODS, "default", name));
    return null;
  }

  private ObjectNode awaitEvent(String pod, String reason) throws Exception {
    long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      for (ObjectNode event : registry.list(ResourceTypes.EVENTS, "default", null, null, 0, null).items()) {
        if (pod.equals(event.at("/involvedObject/name").asText()) && reason.equals(event.path("reason").asText())) {
          return event;
        }
      }
      Thread.sleep(10);
    }
    fail("no " + reason + " event for " + pod);
    return null;
  }

  private static String nodeName(JsonNode pod) {
    return pod.path("spec").path("nodeName").asText("");
  }

  private static JsonNode condition(JsonNode pod, String type) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return Json.object();
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
