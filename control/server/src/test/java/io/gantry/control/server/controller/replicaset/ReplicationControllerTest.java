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

/** The ReplicaSet controller keeping ReplicationControllers, as upstream's ReplicationManager. */
class ReplicationControllerTest {

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

  private ObjectNode status(String name) throws ApiException {
    return (ObjectNode) f.get(ResourceTypes.REPLICATIONCONTROLLERS, name).get("status");
  }

  @Test
  void keepsItsPodsScalesThemAndTakesThemAlongWhenDeleted() throws ApiException {
    ObjectNode rc = f.registry.create(ResourceTypes.REPLICATIONCONTROLLERS, NS,
        WorkloadFixture.replicationController("web", 3));
    await("3 pods", () -> activePods().size() == 3);
    for (ObjectNode pod : f.pods()) {
      assertTrue(ObjectMeta.name(pod).matches("web-[a-z0-9]{5}"), ObjectMeta.name(pod));
      assertEquals("web", WorkloadFixture.label(pod, "app"));
      JsonNode refs = pod.at("/metadata/ownerReferences");
      assertEquals(1, refs.size(), refs.toString());
      assertEquals("v1", refs.at("/0/apiVersion").asText());
      assertEquals("ReplicationController", refs.at("/0/kind").asText());
      assertEquals("web", refs.at("/0/name").asText());
      assertEquals(ObjectMeta.text(rc, "uid"), refs.at("/0/uid").asText());
      assertTrue(refs.at("/0/controller").asBoolean());
    }
    await("status of 3, fully labeled, generation observed", () -> status("web").path("replicas").asInt() == 3
        && status("web").path("fullyLabeledReplicas").asInt() == 3
        && status("web").path("observedGeneration").asLong() == 1);
    f.markAllReady();
    await("3 ready and available", () -> status("web").path("readyReplicas").asInt() == 3
        && status("web").path("availableReplicas").asInt() == 3);
    String events = f.list(ResourceTypes.EVENTS).toString();
    assertTrue(events.contains("replication-controller") && events.contains("SuccessfulCreate"), events);

    f.mergePatch(ResourceTypes.REPLICATIONCONTROLLERS, "web", "{\"spec\":{\"replicas\":1}}");
    await("1 pod left", () -> f.pods().size() == 1);
    await("status follows", () -> status("web").path("replicas").asInt() == 1
        && status("web").path("observedGeneration").asLong() == 2);

    f.registry.delete(ResourceTypes.REPLICATIONCONTROLLERS, NS, "web", DeleteOptions.DEFAULT);
    await("its pod collected", () -> f.pods().isEmpty());
  }

  @Test
  void aPlainLabelMapSelectsOnlyMatchingPodsAndAdoptsOrphans() throws ApiException {
    f.registry.create(ResourceTypes.PODS, NS, json("""
        {"metadata":{"name":"stray","labels":{"app":"web"}},
         "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}"""));
    f.registry.create(ResourceTypes.PODS, NS, json("""
        {"metadata":{"name":"other","labels":{"app":"db"}},
         "spec":{"containers":[{"name":"db","image":"postgres"}]}}"""));
    ObjectNode rc = f.registry.create(ResourceTypes.REPLICATIONCONTROLLERS, NS,
        WorkloadFixture.replicationController("web", 2));
    await("2 pods for web, the orphan adopted", () -> activePods().stream()
        .filter(p -> "web".equals(WorkloadFixture.label(p, "app"))).count() == 2
        && ObjectMeta.text(rc, "uid").equals(f.get(ResourceTypes.PODS, "stray").at("/metadata/ownerReferences/0/uid")
            .asText()));
    assertFalse(f.get(ResourceTypes.PODS, "other").path("metadata").has("ownerReferences"),
        "app=db does not match the selector app=web");
  }

  @Test
  void orphanDeletionKeepsThePods() throws ApiException {
    f.registry.create(ResourceTypes.REPLICATIONCONTROLLERS, NS, WorkloadFixture.replicationController("web", 2));
    await("2 pods", () -> activePods().size() == 2);
    Set<String> names = f.pods().stream().map(ObjectMeta::name).collect(Collectors.toSet());

    f.registry.delete(ResourceTypes.REPLICATIONCONTROLLERS, NS, "web", new DeleteOptions(null, null, null, "Orphan"));
    await("the controller gone", () -> f.registry.find(ResourceTypes.REPLICATIONCONTROLLERS, NS, "web").isEmpty());
    await("its pods orphaned", () -> f.pods().stream().noneMatch(p -> p.path("metadata").has("ownerReferences")));
    WorkloadFixture.holdsFor("the pods stay", Duration.ofMillis(300), () -> {
      try {
        return f.pods().stream().map(ObjectMeta::name).collect(Collectors.toSet()).equals(names);
      } catch (ApiException e) {
        return false;
      }
    });
  }
}
