package io.gantry.control.server.controller.replicaset;

import static io.gantry.control.server.controller.WorkloadFixture.NS;
import static io.gantry.control.server.controller.WorkloadFixture.await;
import static io.gantry.control.server.controller.WorkloadFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.WorkloadFixture;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaSetControllerTest {

  @TempDir
  Path dir;
  private WorkloadFixture f;

  @BeforeEach
  void open() throws ApiException {
    f = new WorkloadFixture(dir);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private List<ObjectNode> activePods() throws ApiException {
    return f.pods().stream().filter(Pods::isActive).toList();
  }

  private ObjectNode rsStatus(String name) throws ApiException {
    return (ObjectNode) f.get(ResourceTypes.REPLICASETS, name).get("status");
  }

  @Test
  void scaleUpCreatesControlledPodsFromTheTemplate() throws ApiException {
    ObjectNode rs = f.registry.create(ResourceTypes.REPLICASETS, NS, WorkloadFixture.replicaSet("web", 3));
    await("3 pods", () -> activePods().size() == 3);
    for (ObjectNode pod : f.pods()) {
      assertTrue(ObjectMeta.name(pod).matches("web-[a-z0-9]{5}"), ObjectMeta.name(pod));
      assertEquals("web-", ObjectMeta.text(pod, "generateName"));
      assertEquals("web", WorkloadFixture.label(pod, "app"));
      assertEquals("nginx:1.27", pod.at("/spec/containers/0/image").asText());
      JsonNode refs = pod.at("/metadata/ownerReferences");
      assertEquals(1, refs.size());
      JsonNode ref = refs.get(0);
      assertEquals("apps/v1", ref.path("apiVersion").asText());
      assertEquals("ReplicaSet", ref.path("kind").asText());
      assertEquals("web", ref.path("name").asText());
      assertEquals(ObjectMeta.text(rs, "uid"), ref.path("uid").asText());
      assertTrue(ref.path("controller").asBoolean());
      assertTrue(ref.path("blockOwnerDeletion").asBoolean());
    }
    await("status replicas 3", () -> rsStatus("web").path("replicas").asInt() == 3
        && rsStatus("web").path("observedGeneration").asLong() == 1);
    assertFalse(rsStatus("web").has("readyReplicas"), "no pod is ready yet: " + rsStatus("web"));
    assertEquals(3, rsStatus("web").path("fullyLabeledReplicas").asInt());

    f.markAllReady();
    await("3 ready and available", () -> rsStatus("web").path("readyReplicas").asInt() == 3
        && rsStatus("web").path("availableReplicas").asInt() == 3);
    assertEquals(3, activePods().size(), "no extra pods");
  }

  @Test
  void scaleDownDeletesNotReadyPodsFirst() throws ApiException {
    f.registry.create(ResourceTypes.REPLICASETS, NS, WorkloadFixture.replicaSet("web", 4));
    await("4 pods", () -> activePods().size() == 4);
    List<ObjectNode> pods = f.pods();
    Set<String> ready = Set.of(ObjectMeta.name(pods.get(0)), ObjectMeta.name(pods.get(2)));
    f.markReady(p -> ready.contains(ObjectMeta.name(p)));
    await("2 ready", () -> rsStatus("web").path("readyReplicas").asInt() == 2);

    f.mergePatch(ResourceTypes.REPLICASETS, "web", "{\"spec\":{\"replicas\":2}}");

    await("2 pods left", () -> f.pods().size() == 2);
    assertEquals(ready, f.pods().stream().map(ObjectMeta::name).collect(Collectors.toSet()),
        "the ready pods are kept");
    await("status follows", () -> rsStatus("web").path("replicas").asInt() == 2
        && rsStatus("web").path("observedGeneration").asLong() == 2);
  }

  @Test
  void deletedPodIsReplaced() throws ApiException {
    f.registry.create(ResourceTypes.REPLICASETS, NS, WorkloadFixture.replicaSet("web", 3));
    await("3 pods", () -> activePods().size() == 3);
    String victim = ObjectMeta.name(f.pods().get(1));
    f.registry.delete(ResourceTypes.PODS, NS, victim, DeleteOptions.DEFAULT);
    await("a replacement", () -> activePods().size() == 3
        && activePods().stream().noneMatch(p -> ObjectMeta.name(p).equals(victim)));
    WorkloadFixture.holdsFor("no more than 3 pods", Duration.ofMillis(200), () -> {
      try {
        return activePods().size() == 3;
      } catch (ApiException e) {
        return false;
      }
    });
  }

  @Test
  void adoptsMatchingOrphansAndReleasesPodsThatStopMatching() throws ApiException {
    ObjectNode orphan = f.registry.create(ResourceTypes.PODS, NS, json("""
        {"metadata":{"name":"stray","labels":{"app":"web"}},
         "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}"""));
    ObjectNode rs = f.registry.create(ResourceTypes.REPLICASETS, NS, WorkloadFixture.replicaSet("web", 2));
    await("2 pods, the orphan adopted", () -> activePods().size() == 2
        && OwnerRefs.controllerUid(f.get(ResourceTypes.PODS, "stray")).equals(ObjectMeta.text(rs, "uid")));
    ObjectNode adopted = f.get(ResourceTypes.PODS, "stray");
    assertEquals("ReplicaSet", adopted.at("/metadata/ownerReferences/0/kind").asText());
    assertEquals(ObjectMeta.text(orphan, "uid"), ObjectMeta.text(adopted, "uid"));

    // relabel the adopted pod: it no longer matches, so it is released and replaced
    f.mergePatch(ResourceTypes.PODS, "stray", "{\"metadata\":{\"labels\":{\"app\":\"other\"}}}");
    await("released", () -> !f.get(ResourceTypes.PODS, "stray").path("metadata").has("ownerReferences"));
    await("replaced", () -> activePods().stream().filter(p -> "web".equals(WorkloadFixture.label(p, "app")))
        .count() == 2);
    assertEquals(3, activePods().size(), "the released pod stays");
  }

  @Test
  void statusCountsFullyLabeledAndWaitsForMinReadySeconds() throws ApiException {
    // template labels are a superset of the selector: an adopted pod without "tier" is not fully labeled
    f.registry.create(ResourceTypes.PODS, NS, json("""
        {"metadata":{"name":"stray","labels":{"app":"web"}},
         "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}"""));
    ObjectNode spec = WorkloadFixture.replicaSet("web", 2);
    ((ObjectNode) spec.at("/spec/template/metadata/labels")).put("tier", "front");
    ((ObjectNode) spec.get("spec")).put("minReadySeconds", 10);
    f.registry.create(ResourceTypes.REPLICASETS, NS, spec);
    await("2 pods, one fully labeled", () -> rsStatus("web").path("replicas").asInt() == 2
        && rsStatus("web").path("fullyLabeledReplicas").asInt() == 1);

    f.markAllReady();
    await("2 ready", () -> rsStatus("web").path("readyReplicas").asInt() == 2);
    assertFalse(rsStatus("web").has("availableReplicas"), "ready for less than minReadySeconds");

    f.clock.advance(Duration.ofSeconds(11));
    f.controllers.resyncAll();
    await("available after minReadySeconds", () -> rsStatus("web").path("availableReplicas").asInt() == 2);
  }

  @Test
  void deletionOrderPrefersUnscheduledPendingNotReadyNewer() {
    ObjectNode scheduledRunningReadyOld = pod("a", "node1", "Running", true, "2026-01-01T00:00:00Z");
    ObjectNode scheduledRunningReadyNew = pod("b", "node1", "Running", true, "2026-01-01T00:05:00Z");
    ObjectNode scheduledRunningNotReady = pod("c", "node1", "Running", false, "2026-01-01T00:00:00Z");
    ObjectNode scheduledPending = pod("d", "node1", "Pending", false, "2026-01-01T00:00:00Z");
    ObjectNode unscheduled = pod("e", "", "Pending", false, "2026-01-01T00:00:00Z");
    List<ObjectNode> all = List.of(scheduledRunningReadyOld, scheduledRunningReadyNew, scheduledRunningNotReady,
        scheduledPending, unscheduled);
    List<String> order = PodDeletionOrder.pick(all, all, 5).stream().map(ObjectMeta::name).toList();
    assertEquals(List.of("e", "d", "c", "b", "a"), order);
  }

  private static ObjectNode pod(String name, String node, String phase, boolean ready, String created) {
    return json("""
        {"metadata":{"name":"%s","creationTimestamp":"%s"},"spec":{"nodeName":"%s"},
         "status":{"phase":"%s","conditions":[{"type":"Ready","status":"%s","lastTransitionTime":"%s"}]}}
        """.formatted(name, created, node, phase, ready ? "True" : "False", created));
  }

  /** Test-side reading of the controller reference. */
  private static final class OwnerRefs {
    static String controllerUid(ObjectNode object) {
      for (JsonNode ref : object.path("metadata").path("ownerReferences")) {
        if (ref.path("controller").asBoolean()) {
          return ref.path("uid").asText();
        }
      }
      return "";
    }
  }
}
