package io.gantry.control.server.controller.daemon;

import static io.gantry.control.server.controller.WorkloadFixture.NS;
import static io.gantry.control.server.controller.WorkloadFixture.await;
import static io.gantry.control.server.controller.WorkloadFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.WorkloadFixture;
import io.gantry.control.server.controller.replicaset.Pods;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DaemonSet controller against the registry, with three Ready nodes and the fixture's stand-in kubelet. */
class DaemonSetControllerTest {

  @TempDir
  Path dir;
  private WorkloadFixture f;

  @BeforeEach
  void open() throws ApiException {
    f = new WorkloadFixture(dir);
    for (String node : List.of("n1", "n2", "n3")) {
      f.registry.create(ResourceTypes.NODES, null, json("{\"metadata\":{\"name\":\"" + node + "\",\"labels\":{"
          + "\"kubernetes.io/hostname\":\"" + node + "\"}},\"status\":{\"conditions\":[{\"type\":\"Ready\","
          + "\"status\":\"True\"}]}}"));
    }
  }

  @AfterEach
  void close() {
    f.close();
  }

  private static ObjectNode daemonSet(String extraSpec) {
    return json("""
        {"metadata":{"name":"agent"},"spec":{%s"selector":{"matchLabels":{"app":"agent"}},
         "template":{"metadata":{"labels":{"app":"agent"}},
                     "spec":{"containers":[{"name":"agent","image":"busybox:1.36"}]}}}}
        """.formatted(extraSpec));
  }

  private List<ObjectNode> activePods() throws ApiException {
    return f.pods().stream().filter(Pods::isActive).toList();
  }

  private Set<String> nodesOf(List<ObjectNode> pods) {
    Set<String> nodes = new TreeSet<>();
    pods.forEach(p -> nodes.add(DaemonPods.targetNode(p).orElse("?")));
    return nodes;
  }

  private JsonNode status() throws ApiException {
    return f.get(ResourceTypes.DAEMONSETS, "agent").path("status");
  }

  private void setImage(String image) throws ApiException {
    f.registry.patch(ResourceTypes.DAEMONSETS, NS, "agent", PatchType.STRATEGIC_MERGE_PATCH,
        json("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"agent\",\"image\":\"" + image + "\"}]}}}}"),
        null);
  }

  private List<ObjectNode> revisions() throws ApiException {
    return f.list(ResourceTypes.CONTROLLERREVISIONS).stream().sorted(Comparator.comparingLong((ObjectNode r) -> r.path("revision").asLong())).toList();
  }

  @Test
  void onePodPerNodePinnedByAffinityWithTheDaemonTolerationsAndARevision() throws ApiException {
    ObjectNode ds = f.registry.create(ResourceTypes.DAEMONSETS, NS, daemonSet(""));
    await("a pod per node", () -> activePods().size() == 3 && nodesOf(activePods()).equals(Set.of("n1", "n2", "n3")));
    await("one revision", () -> revisions().size() == 1);
    ObjectNode revision = revisions().get(0);
    String hash = WorkloadFixture.label(revision, DaemonPods.HASH_LABEL);
    assertEquals("agent-" + hash, ObjectMeta.name(revision));
    assertEquals(1, revision.path("revision").asLong());
    assertEquals("agent", WorkloadFixture.label(revision, "app"));
    assertEquals("replace", revision.at("/data/spec/template/$patch").asText());
    assertEquals("busybox:1.36", revision.at("/data/spec/template/spec/containers/0/image").asText());
    assertTrue(OwnerRefs.controlledBy(revision, ds));
    for (ObjectNode pod : activePods()) {
      assertTrue(ObjectMeta.name(pod).matches("agent-[a-z0-9]{5}"), ObjectMeta.name(pod));
      assertTrue(OwnerRefs.controlledBy(pod, ds));
      assertEquals(hash, WorkloadFixture.label(pod, DaemonPods.HASH_LABEL));
      assertEquals("1", WorkloadFixture.label(pod, "pod-template-generation"));
      JsonNode terms = pod.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms");
      assertEquals(1, terms.size(), terms.toString());
      assertEquals("metadata.name", terms.at("/0/matchFields/0/key").asText());
      String tolerations = pod.at("/spec/tolerations").toString();
      for (String key : List.of("not-ready", "unreachable", "disk-pressure", "memory-pressure", "pid-pressure",
          "unschedulable")) {
        assertTrue(tolerations.contains("node.kubernetes.io/" + key), tolerations);
      }
      assertTrue(!tolerations.contains("network-unavailable") && !tolerations.contains("tolerationSeconds"), tolerations);
    }
    await("status counts 3 scheduled, none ready yet", () -> status().path("desiredNumberScheduled").asInt() == 3
        && status().path("currentNumberScheduled").asInt() == 3 && status().path("updatedNumberScheduled").asInt() == 3
        && status().path("numberUnavailable").asInt() == 3 && status().path("observedGeneration").asLong() == 1);
    f.markAllReady();
    await("all ready and available", () -> status().path("numberReady").asInt() == 3
        && status().path("numberAvailable").asInt() == 3 && !status().has("numberUnavailable"));
    String events = f.list(ResourceTypes.EVENTS).toString();
    assertTrue(events.contains("daemonset-controller") && events.contains("SuccessfulCreate"), events);
  }

  @Test
  void aNodeSelectorAndTaintsDecideWhereItRuns() throws ApiException {
    f.registry.patch(ResourceTypes.NODES, null, "n1", PatchType.MERGE_PATCH,
        json("{\"metadata\":{\"labels\":{\"disk\":\"ssd\"}}}"), null);
    f.registry.create(ResourceTypes.DAEMONSETS, NS, daemonSet(""));
    await("a pod per node", () -> activePods().size() == 3);
    f.markAllReady();
    // a selector only n1 matches: the pods of n2 and n3 go (through the rolling update of the new template)
    f.registry.patch(ResourceTypes.DAEMONSETS, NS, "agent", PatchType.MERGE_PATCH,
        json("{\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":{\"disk\":\"ssd\"}}}}}"), null);
    await("only n1 runs one", () -> {
      f.markAllReady();
      return nodesOf(activePods()).equals(Set.of("n1")) && activePods().size() == 1;
    });
    // n1's own pod may still be going through the rolling update: the stand-in kubelet readies its successor
    await("desired 1", () -> {
      f.markAllReady();
      return status().path("desiredNumberScheduled").asInt() == 1 && status().path("numberMisscheduled").asInt() == 0
          && status().path("numberAvailable").asInt() == 1;
    });
    // a NoExecute taint it does not tolerate takes the pod off; a new node that matches gets one
    f.registry.patch(ResourceTypes.NODES, null, "n1", PatchType.MERGE_PATCH,
        json("{\"spec\":{\"taints\":[{\"key\":\"maintenance\",\"effect\":\"NoExecute\"}]}}"), null);
    await("no pod left", () -> activePods().isEmpty() && status().path("desiredNumberScheduled").asInt() == 0);
    f.registry.patch(ResourceTypes.NODES, null, "n2", PatchType.MERGE_PATCH,
        json("{\"metadata\":{\"labels\":{\"disk\":\"ssd\"}}}"), null);
    await("n2 runs one", () -> nodesOf(activePods()).equals(Set.of("n2")));
    // a NoSchedule taint keeps the pod running but it is no longer desired there: misscheduled
    f.registry.patch(ResourceTypes.NODES, null, "n2", PatchType.MERGE_PATCH,
        json("{\"spec\":{\"taints\":[{\"key\":\"dedicated\",\"value\":\"db\",\"effect\":\"NoSchedule\"}]}}"), null);
    await("misscheduled", () -> status().path("numberMisscheduled").asInt() == 1
        && status().path("desiredNumberScheduled").asInt() == 0);
    WorkloadFixture.holdsFor("the pod stays", Duration.ofMillis(200), () -> {
      try {
        return activePods().size() == 1;
      } catch (ApiException e) {
        return false;
      }
    });
  }

  @Test
  void rollingUpdateReplacesOneNodeAtATimeAndKeepsTheHistory() throws ApiException {
    f.registry.create(ResourceTypes.DAEMONSETS, NS, daemonSet(""));
    await("a pod per node", () -> activePods().size() == 3);
    f.markAllReady();
    await("available", () -> status().path("numberAvailable").asInt() == 3);
    setImage("busybox:1.37");
    await("one old pod deleted, none other while it is unavailable", () -> activePods().size() == 2
        || activePods().stream().filter(p -> p.toString().contains("busybox:1.37")).count() == 1);
    assertTrue(activePods().stream().filter(p -> p.toString().contains("busybox:1.36")).count() >= 2,
        "maxUnavailable 1: the others still run the old image");
    await("all updated", () -> {
      f.markAllReady();
      List<ObjectNode> active = activePods();
      return active.size() == 3 && active.stream().allMatch(p -> p.toString().contains("busybox:1.37"));
    });
    await("status of the rollout", () -> {
      f.markAllReady();
      return status().path("updatedNumberScheduled").asInt() == 3 && status().path("numberAvailable").asInt() == 3
          && status().path("observedGeneration").asLong() == 2;
    });
    assertEquals(List.of(1L, 2L), revisions().stream().map(r -> r.path("revision").asLong()).toList());
    assertTrue(activePods().stream().allMatch(p -> WorkloadFixture.label(p, "pod-template-generation").equals("2")));
    // back to the first template: its revision is renumbered past the others, no third one
    setImage("busybox:1.36");
    await("revision 1's template is revision 3", () -> revisions().size() == 2
        && revisions().get(1).path("revision").asLong() == 3
        && revisions().get(1).at("/data/spec/template/spec/containers/0/image").asText().equals("busybox:1.36"));
  }

  @Test
  void aSurgeRolloutWithMinReadySecondsGoesOnWhenTheNewPodTurnsAvailable() throws Exception {
    f.registry.create(ResourceTypes.DAEMONSETS, NS, daemonSet("\"minReadySeconds\":1,\"updateStrategy\":{"
        + "\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":1,\"maxUnavailable\":0}},"));
    await("a pod per node", () -> activePods().size() == 3);
    f.markAllReady();
    f.clock.advance(Duration.ofSeconds(5));
    await("available", () -> status().path("numberAvailable").asInt() == 3);
    setImage("busybox:1.37");
    await("one surge pod beside the old ones", () -> activePods().size() == 4);
    f.markAllReady();
    // the sync its readiness causes finds it not yet available; only then does its time pass, and no event
    // tells the controller when it turns available: it must come back by itself (updatePod's requeue)
    Thread.sleep(500);
    f.clock.advance(Duration.ofSeconds(5));
    await("its old pod goes and the next node surges", () -> activePods().stream()
        .filter(p -> p.toString().contains("busybox:1.36")).count() <= 2);
  }

  @Test
  void aDaemonSetRecreatedAfterAnOrphaningDeleteAdoptsItsRevisionAndKeepsItsPods() throws ApiException {
    f.registry.create(ResourceTypes.DAEMONSETS, NS, daemonSet(""));
    await("a pod per node", () -> activePods().size() == 3);
    Set<String> uids = new HashSet<>(activePods().stream().map(p -> ObjectMeta.text(p, "uid")).toList());
    String revision = ObjectMeta.name(revisions().get(0));
    f.registry.delete(ResourceTypes.DAEMONSETS, NS, "agent", new DeleteOptions(null, null, null, "Orphan"));
    await("gone, its revision orphaned", () -> f.registry.find(ResourceTypes.DAEMONSETS, NS, "agent").isEmpty()
        && revisions().stream().allMatch(cr -> cr.path("metadata").path("ownerReferences").isEmpty()));
    f.registry.create(ResourceTypes.DAEMONSETS, NS, daemonSet(""));
    await("the old revision adopted", () -> revisions().size() == 1
        && !revisions().get(0).path("metadata").path("ownerReferences").isEmpty()
        && status().path("updatedNumberScheduled").asInt() == 3);
    assertEquals(revision, ObjectMeta.name(revisions().get(0)));
    assertEquals(uids, new HashSet<>(activePods().stream().map(p -> ObjectMeta.text(p, "uid")).toList()),
        "the pods were adopted, not replaced");
    assertEquals(0, status().path("collisionCount").asInt(0));
  }

  @Test
  void aRevisionCreatedBesideTheControllersWaitsForTheNextSyncAsTheConformanceTestExpects() throws Exception {
    f.registry.create(ResourceTypes.DAEMONSETS, NS, daemonSet(""));
    await("a pod per node", () -> activePods().size() == 3);
    f.markAllReady();
    await("available", () -> status().path("numberAvailable").asInt() == 3);
    Thread.sleep(300); // the syncs the status writes asked for
    ObjectNode initial = revisions().get(0);
    ObjectNode copy = initial.deepCopy();
    ObjectNode metadata = (ObjectNode) copy.get("metadata");
    metadata.retain("labels", "ownerReferences");
    metadata.put("name", "agent-copy");
    copy.put("revision", initial.path("revision").asLong() + 1);
    f.registry.create(ResourceTypes.CONTROLLERREVISIONS, NS, copy);
    Thread.sleep(500);
    assertEquals(List.of(ObjectMeta.name(initial), "agent-copy"), revisions().stream().map(ObjectMeta::name).toList(),
        "a controlled revision's creation does not wake its DaemonSet, as upstream's addHistory");

    f.registry.delete(ResourceTypes.CONTROLLERREVISIONS, NS, ObjectMeta.name(initial), DeleteOptions.DEFAULT);
    setImage("busybox:1.37");
    await("the next revision follows the copy", () -> revisions().size() == 2
        && ObjectMeta.name(revisions().get(0)).equals("agent-copy") && revisions().get(1).path("revision").asLong() == 3);
  }

  @Test
  void onDeleteWaitsForThePodsToBeDeleted() throws ApiException {
    f.registry.create(ResourceTypes.DAEMONSETS, NS, daemonSet("\"updateStrategy\":{\"type\":\"OnDelete\"},"));
    await("a pod per node", () -> activePods().size() == 3);
    f.markAllReady();
    setImage("busybox:1.37");
    await("generation observed", () -> status().path("observedGeneration").asLong() == 2
        && status().path("updatedNumberScheduled").asInt() == 0);
    ObjectNode victim = activePods().get(0);
    f.registry.delete(ResourceTypes.PODS, NS, ObjectMeta.name(victim), DeleteOptions.DEFAULT);
    await("its replacement runs the new template", () -> activePods().size() == 3
        && activePods().stream().filter(p -> p.toString().contains("busybox:1.37")).count() == 1);
    await("one updated", () -> status().path("updatedNumberScheduled").asInt() == 1);
  }

  @Test
  void aFailedPodIsDeletedAndReplaced() throws ApiException {
    f.registry.create(ResourceTypes.DAEMONSETS, NS, daemonSet(""));
    await("a pod per node", () -> activePods().size() == 3);
    ObjectNode pod = activePods().get(0);
    String node = DaemonPods.targetNode(pod).orElseThrow();
    ObjectNode body = pod.deepCopy();
    body.putObject("status").put("phase", "Failed");
    f.registry.update(ResourceTypes.PODS, NS, ObjectMeta.name(pod), body, "status");
    await("replaced", () -> f.registry.find(ResourceTypes.PODS, NS, ObjectMeta.name(pod)).isEmpty()
        && activePods().size() == 3 && nodesOf(activePods()).contains(node));
    String events = f.list(ResourceTypes.EVENTS).toString();
    assertTrue(events.contains("FailedDaemonPod") && events.contains("Found failed daemon pod " + NS + "/"
        + ObjectMeta.name(pod) + " on node " + node + ", will try to kill it"), events);
  }

  @Test
  void extraPodsOnANodeAreDeletedKeepingTheOldest() throws ApiException {
    ObjectNode ds = f.registry.create(ResourceTypes.DAEMONSETS, NS, daemonSet(""));
    await("a pod per node", () -> activePods().size() == 3);
    ObjectNode pod = activePods().get(0);
    ObjectNode copy = DaemonPods.newPod(ds, "", DaemonPods.targetNode(pod).orElseThrow());
    // a later creationTimestamp: within one second, upstream's order falls back to the (random) names
    f.clock.advance(java.time.Duration.ofSeconds(5));
    f.registry.create(ResourceTypes.PODS, NS, copy);
    await("back to one per node", () -> activePods().size() == 3
        && f.registry.find(ResourceTypes.PODS, NS, ObjectMeta.name(pod)).isPresent());
  }

  /** Owner-reference checks for the assertions above. */
  private static final class OwnerRefs {
    static boolean controlledBy(ObjectNode object, ObjectNode ds) {
      return io.gantry.control.server.controller.gc.OwnerReferences.isControlledBy(object, ObjectMeta.text(ds, "uid"))
          && object.at("/metadata/ownerReferences/0/kind").asText().equals("DaemonSet")
          && object.at("/metadata/ownerReferences/0/apiVersion").asText().equals("apps/v1");
    }
  }
}
