package io.gantry.control.server.controller.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The PodTopologySpread filter and score, through {@link SchedulingAlgorithm} on hand-made snapshots. */
class PodTopologySpreadTest {

  private static final String ZONE_SPREAD = "{\"maxSkew\":1,\"topologyKey\":\"zone\","
      + "\"whenUnsatisfiable\":\"DoNotSchedule\",\"labelSelector\":{\"matchLabels\":{\"app\":\"web\"}}%s}";
  private static final Map<String, String> WEB = Map.of("app", "web");

  @Test
  void aNodeWhoseZoneWouldExceedMaxSkewIsRejected() {
    List<NodeInfo> nodes = List.of(
        node("a1", Map.of("zone", "a"), placed("p1", WEB), placed("p2", WEB)),
        node("b1", Map.of("zone", "b"), placed("p3", WEB)),
        node("c1", Map.of("zone", "c"), placed("p4", WEB)));
    ObjectNode pod = pod(WEB, ZONE_SPREAD.formatted(""));

    SchedulingAlgorithm.Decision decision = SchedulingAlgorithm.schedule(pod, nodes);

    assertEquals("b1", decision.nodeName(), "b and c hold one each, the minimum");
    assertEquals(PodTopologySpread.REASON, spreadReason(pod, nodes, "a1"), "2 + 1 - 1 exceeds maxSkew 1");
    SchedulingAlgorithm.Decision onlyA = SchedulingAlgorithm.schedule(pod, List.of(nodes.get(0), cordoned(nodes.get(1))));
    assertEquals("0/2 nodes are available: 1 node(s) didn't match pod topology spread constraints, 1 node(s) were"
        + " unschedulable. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod,"
        + " 1 Preemption is not helpful for scheduling.", onlyA.error().message());
  }

  @Test
  void aPodTheSelectorDoesNotMatchAddsNothingToTheSkew() {
    List<NodeInfo> nodes = List.of(
        node("a1", Map.of("zone", "a"), placed("p1", WEB)),
        node("b1", Map.of("zone", "b")));
    ObjectNode other = pod(Map.of("app", "other"), ZONE_SPREAD.formatted(""));
    ObjectNode web = pod(WEB, ZONE_SPREAD.formatted(""));

    assertEquals("", spreadReason(other, nodes, "a1"), "1 + 0 - 0 is within maxSkew 1");
    assertEquals(PodTopologySpread.REASON, spreadReason(web, nodes, "a1"), "1 + 1 - 0 is not");
  }

  @Test
  void aNodeWithoutTheTopologyKeyIsRejectedAndItsPodsAreNotCounted() {
    List<NodeInfo> nodes = List.of(
        node("a1", Map.of("zone", "a")),
        node("x", Map.of(), placed("p1", WEB), placed("p2", WEB)));
    ObjectNode pod = pod(WEB, ZONE_SPREAD.formatted(""));

    SchedulingAlgorithm.Decision decision = SchedulingAlgorithm.schedule(pod, nodes);

    assertEquals("a1", decision.nodeName());
    assertEquals(PodTopologySpread.REASON_MISSING_LABEL, spreadReason(pod, nodes, "x"));
    SchedulingAlgorithm.Decision none = SchedulingAlgorithm.schedule(pod, List.of(nodes.get(1)));
    assertEquals("0/1 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required"
        + " label). preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
        none.error().message());
  }

  @Test
  void fewerDomainsThanMinDomainsMakeTheGlobalMinimumZero() {
    List<NodeInfo> nodes = List.of(
        node("n1", Map.of("zone", "a"), placed("p1", WEB)),
        node("n2", Map.of("zone", "b"), placed("p2", WEB)),
        node("n3", Map.of("zone", "b")));

    assertEquals("", spreadReason(pod(WEB, ZONE_SPREAD.formatted("")), nodes, "n1"),
        "without minDomains the minimum is 1: 1 + 1 - 1");
    assertEquals("", spreadReason(pod(WEB, ZONE_SPREAD.formatted(",\"minDomains\":2")), nodes, "n1"),
        "two domains satisfy minDomains 2");
    assertEquals(PodTopologySpread.REASON, spreadReason(pod(WEB, ZONE_SPREAD.formatted(",\"minDomains\":3")), nodes,
        "n1"), "two domains are fewer than 3, so the minimum is 0: 1 + 1 - 0");
    SchedulingAlgorithm.Decision decision = SchedulingAlgorithm.schedule(
        pod(WEB, ZONE_SPREAD.formatted(",\"minDomains\":3")), nodes);
    assertNull(decision.nodeName());
    assertEquals("0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints. preemption: 0/3"
        + " nodes are available: 3 No preemption victims found for incoming pod.", decision.error().message());
  }

  @Test
  void matchLabelKeysCountOnlyPodsWithThePodsOwnValues() {
    Map<String, String> oldRevision = Map.of("app", "web", "pod-template-hash", "v1");
    Map<String, String> newRevision = Map.of("app", "web", "pod-template-hash", "v2");
    List<NodeInfo> nodes = List.of(
        node("a1", Map.of("zone", "a"), placed("old-1", oldRevision), placed("old-2", oldRevision)),
        node("b1", Map.of("zone", "b"), placed("new-1", newRevision)));

    assertEquals("b1", SchedulingAlgorithm.schedule(pod(newRevision, ZONE_SPREAD.formatted("")), nodes).nodeName(),
        "all revisions count: a holds 2, b 1");
    ObjectNode pod = pod(newRevision, ZONE_SPREAD.formatted(",\"matchLabelKeys\":[\"pod-template-hash\"]"));
    assertEquals("a1", SchedulingAlgorithm.schedule(pod, nodes).nodeName(), "only v2 counts: a holds 0, b 1");
    assertEquals(PodTopologySpread.REASON, spreadReason(pod, nodes, "b1"));
  }

  @Test
  void nodeAffinityPolicyDecidesWhetherNodesThePodCannotUseCount() {
    List<NodeInfo> nodes = List.of(
        node("a1", Map.of("zone", "a", "disk", "ssd"), placed("p1", WEB)),
        node("b1", Map.of("zone", "b", "disk", "hdd")));
    ObjectNode honor = pod(WEB, ZONE_SPREAD.formatted(""));
    spec(honor).putObject("nodeSelector").put("disk", "ssd");
    ObjectNode ignore = pod(WEB, ZONE_SPREAD.formatted(",\"nodeAffinityPolicy\":\"Ignore\""));
    spec(ignore).putObject("nodeSelector").put("disk", "ssd");

    assertEquals("a1", SchedulingAlgorithm.schedule(honor, nodes).nodeName(), "zone b is not a domain: 1 + 1 - 1");
    SchedulingAlgorithm.Decision decision = SchedulingAlgorithm.schedule(ignore, nodes);
    assertNull(decision.nodeName(), "zone b counts with 0: 1 + 1 - 0");
    assertEquals("0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) didn't"
        + " match pod topology spread constraints. preemption: 0/2 nodes are available: 1 No preemption victims"
        + " found for incoming pod, 1 Preemption is not helpful for scheduling.", decision.error().message());
  }

  @Test
  void nodeTaintsPolicyHonorLeavesOutNodesWithUntoleratedTaints() {
    NodeInfo tainted = node("b1", Map.of("zone", "b"));
    ArrayNode taints = spec(tainted.node()).putArray("taints");
    taints.addObject().put("key", "dedicated").put("value", "gpu").put("effect", "NoSchedule");
    List<NodeInfo> nodes = List.of(node("a1", Map.of("zone", "a"), placed("p1", WEB)), tainted);

    assertEquals(PodTopologySpread.REASON, spreadReason(pod(WEB, ZONE_SPREAD.formatted("")), nodes, "a1"),
        "Ignore, the default: zone b counts with 0");
    ObjectNode honor = pod(WEB, ZONE_SPREAD.formatted(",\"nodeTaintsPolicy\":\"Honor\""));
    assertEquals("a1", SchedulingAlgorithm.schedule(honor, nodes).nodeName());
  }

  @Test
  void terminatingPodsAndPodsOfOtherNamespacesAreNotCounted() {
    ObjectNode going1 = placed("going-1", WEB);
    ObjectNode going2 = placed("going-2", WEB);
    metadata(going1).put("deletionTimestamp", "2026-01-02T03:04:05Z");
    metadata(going2).put("deletionTimestamp", "2026-01-02T03:04:05Z");
    ObjectNode elsewhere = placed("elsewhere", WEB);
    metadata(elsewhere).put("namespace", "other");
    List<NodeInfo> nodes = List.of(
        node("a1", Map.of("zone", "a"), going1, going2, elsewhere),
        node("b1", Map.of("zone", "b"), placed("p1", WEB)));
    ObjectNode pod = pod(WEB, ZONE_SPREAD.formatted(""));

    assertEquals("a1", SchedulingAlgorithm.schedule(pod, nodes).nodeName());
    assertEquals(PodTopologySpread.REASON, spreadReason(pod, nodes, "b1"), "a counts 0, b 1: 1 + 1 - 0");
  }

  @Test
  void scheduleAnywayPrefersTheLessCrowdedZoneOverOwnerSpreading() {
    List<NodeInfo> nodes = List.of(
        node("a1", Map.of("zone", "a")),
        node("a2", Map.of("zone", "a"), placed("p1", WEB), placed("p2", WEB)),
        node("b1", Map.of("zone", "b"), placed("p3", WEB)),
        node("c0", Map.of()));
    ObjectNode plain = pod(WEB, null);
    ObjectNode spread = pod(WEB, "{\"maxSkew\":1,\"topologyKey\":\"zone\",\"whenUnsatisfiable\":\"ScheduleAnyway\","
        + "\"labelSelector\":{\"matchLabels\":{\"app\":\"web\"}}}");

    assertEquals("a1", SchedulingAlgorithm.schedule(plain, nodes).nodeName(), "an empty node, first by name");
    assertEquals("b1", SchedulingAlgorithm.schedule(spread, nodes).nodeName(), "zone a holds 2, zone b 1");
    assertEquals("", spreadReason(spread, nodes, "c0"), "ScheduleAnyway rejects no node, not even one without the key");
    assertEquals("a2", SchedulingAlgorithm.schedule(spread, List.of(nodes.get(1), nodes.get(3))).nodeName(),
        "a node without the key is the last choice");
    assertEquals("c0", SchedulingAlgorithm.schedule(spread, List.of(nodes.get(3))).nodeName(), "but a choice");
  }

  // --- fixtures

  /** The filter's verdict on one node of the snapshot. */
  private static String spreadReason(ObjectNode pod, List<NodeInfo> nodes, String name) {
    NodeInfo info = nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    return PodTopologySpread.of(pod, nodes).reason(info).orElse("");
  }

  private static NodeInfo node(String name, Map<String, String> labels, ObjectNode... pods) {
    ObjectNode node = Json.object();
    ObjectNode labelsObject = node.putObject("metadata").put("name", name).putObject("labels");
    labels.forEach(labelsObject::put);
    node.putObject("spec");
    node.putObject("status").putArray("conditions").addObject().put("type", "Ready").put("status", "True");
    return NodeInfo.of(node, List.of(pods));
  }

  private static NodeInfo cordoned(NodeInfo info) {
    ObjectNode node = info.node().deepCopy();
    spec(node).put("unschedulable", true);
    return NodeInfo.of(node, info.pods());
  }

  /** A pod bound to a node of the snapshot, in namespace default. */
  private static ObjectNode placed(String name, Map<String, String> labels) {
    ObjectNode pod = Json.object();
    ObjectNode labelsObject = pod.putObject("metadata").put("name", name).put("namespace", "default")
        .putObject("labels");
    labels.forEach(labelsObject::put);
    pod.putObject("spec").putArray("containers").addObject().put("name", "app").put("image", "nginx:1.27");
    return pod;
  }

  /** The pod to place, with one spread constraint (JSON) or none. */
  private static ObjectNode pod(Map<String, String> labels, String constraint) {
    ObjectNode pod = placed("incoming", labels);
    if (constraint != null) {
      spec(pod).putArray("topologySpreadConstraints").add(Json.parseObject(constraint.getBytes(StandardCharsets.UTF_8)));
    }
    return pod;
  }

  private static ObjectNode spec(ObjectNode object) {
    return (ObjectNode) object.get("spec");
  }

  private static ObjectNode metadata(ObjectNode object) {
    return (ObjectNode) object.get("metadata");
  }
}
