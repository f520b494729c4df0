package io.gantry.control.server.controller.statefulset;

import static io.gantry.control.server.controller.WorkloadFixture.NS;
import static io.gantry.control.server.controller.WorkloadFixture.await;
import static io.gantry.control.server.controller.WorkloadFixture.json;
import static io.gantry.control.server.controller.WorkloadFixture.label;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.WorkloadFixture;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The StatefulSet controller: ordered pods with stable identities, scaling, rolling updates and history. */
class StatefulSetControllerTest {

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

  private static ObjectNode statefulSet(String name, int replicas, String extraSpec) {
    return json("""
        {"metadata":{"name":"%s"},"spec":{"replicas":%d,"serviceName":"nginx",%s
         "selector":{"matchLabels":{"app":"%s"}},
         "template":{"metadata":{"labels":{"app":"%s"}},
                     "spec":{"containers":[{"name":"web","image":"nginx:1.27",
                       "volumeMounts":[{"name":"www","mountPath":"/usr/share/nginx/html"}]}]}},
         "volumeClaimTemplates":[{"metadata":{"name":"www"},
           "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}
        """.formatted(name, replicas, extraSpec, name, name));
  }

  /** Pod name to image, for pods not being deleted. */
  private Map<String, String> images() throws ApiException {
    Map<String, String> images = new TreeMap<>();
    for (ObjectNode pod : f.pods()) {
      if (!ObjectMeta.isDeleting(pod)) {
        images.put(ObjectMeta.name(pod), pod.at("/spec/containers/0/image").asText());
      }
    }
    return images;
  }

  private ObjectNode status() throws ApiException {
    return (ObjectNode) f.get(ResourceTypes.STATEFULSETS, "web").get("status");
  }

  private void setImage(String image) throws ApiException {
    f.registry.patch(ResourceTypes.STATEFULSETS, NS, "web", io.gantry.control.server.patch.PatchType.STRATEGIC_MERGE_PATCH,
        json("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"" + image + "\"}]}}}}"),
        null);
  }

  /** Creates web with 3 OrderedReady replicas and makes them ready one at a time. */
  private void threeReadyPods() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet("web", 3, ""));
    for (int i = 0; i < 3; i++) {
      int n = i;
      await("web-" + n, () -> images().containsKey("web-" + n));
      WorkloadFixture.holdsFor("no pod beyond web-" + n + " before it is ready", Duration.ofMillis(150),
          () -> {
            try {
              return images().size() == n + 1;
            } catch (ApiException e) {
              throw new AssertionError(e);
            }
          });
      f.markAllReady();
    }
    await("3 ready replicas", () -> status().path("readyReplicas").asInt() == 3);
  }

  @Test
  void createsPodsInOrderWithStableIdentitiesAndClaimVolumes() throws ApiException {
    threeReadyPods();
    ObjectNode set = f.get(ResourceTypes.STATEFULSETS, "web");
    String revision = set.at("/status/updateRevision").asText();
    assertTrue(revision.startsWith("web-"), revision);
    for (int i = 0; i < 3; i++) {
      ObjectNode pod = f.get(ResourceTypes.PODS, "web-" + i);
      assertEquals("web-" + i, label(pod, StatefulPods.POD_NAME_LABEL));
      assertEquals(Integer.toString(i), label(pod, StatefulPods.POD_INDEX_LABEL));
      assertEquals(revision, label(pod, StatefulPods.REVISION_LABEL));
      assertEquals("web-" + i, pod.at("/spec/hostname").asText());
      assertEquals("nginx", pod.at("/spec/subdomain").asText());
      assertEquals("www-web-" + i, pod.at("/spec/volumes/0/persistentVolumeClaim/claimName").asText());
      assertEquals("StatefulSet", pod.at("/metadata/ownerReferences/0/kind").asText());
      assertTrue(pod.at("/metadata/ownerReferences/0/controller").asBoolean());
    }
    assertEquals(json("""
        {"observedGeneration":1,"replicas":3,"readyReplicas":3,"currentReplicas":3,"updatedReplicas":3,
         "currentRevision":"%s","updateRevision":"%s","collisionCount":0,"availableReplicas":3}
        """.formatted(revision, revision)), status());
    List<ObjectNode> revisions = f.list(ResourceTypes.CONTROLLERREVISIONS);
    assertEquals(1, revisions.size());
    assertEquals(revision, ObjectMeta.name(revisions.get(0)));
    assertEquals(1, revisions.get(0).path("revision").asLong());
    assertEquals("web", label(revisions.get(0), "app"));
    String events = f.list(ResourceTypes.EVENTS).toString();
    assertTrue(events.contains("create Pod web-0 in StatefulSet web successful")
        && events.contains("statefulset-controller"), events);
  }

  @Test
  void aSetRecreatedAfterAnOrphaningDeleteAdoptsItsRevisionAndPodsWithoutRestartingThem() throws ApiException {
    threeReadyPods();
    Map<String, String> uids = new TreeMap<>();
    f.pods().forEach(pod -> uids.put(ObjectMeta.name(pod), ObjectMeta.text(pod, "uid")));
    String revision = status().path("currentRevision").asText();
    f.registry.delete(ResourceTypes.STATEFULSETS, NS, "web", new DeleteOptions(null, null, null, "Orphan"));
    await("the set is gone and its revision orphaned", () -> f.registry.find(ResourceTypes.STATEFULSETS, NS, "web")
        .isEmpty() && f.list(ResourceTypes.CONTROLLERREVISIONS).stream()
            .allMatch(cr -> cr.path("metadata").path("ownerReferences").isEmpty()));
    ObjectNode again = f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet("web", 3, ""));
    await("the old revision adopted and current", () -> status().path("currentRevision").asText().equals(revision)
        && status().path("updateRevision").asText().equals(revision) && status().path("readyReplicas").asInt() == 3);
    WorkloadFixture.holdsFor("no pod restarted", Duration.ofMillis(300), () -> {
      try {
        Map<String, String> now = new TreeMap<>();
        f.pods().forEach(pod -> now.put(ObjectMeta.name(pod), ObjectMeta.text(pod, "uid")));
        return now.equals(uids);
      } catch (ApiException e) {
        throw new AssertionError(e);
      }
    });
    assertEquals(List.of(revision), f.list(ResourceTypes.CONTROLLERREVISIONS).stream().map(ObjectMeta::name).toList());
    assertEquals(ObjectMeta.text(again, "uid"), f.list(ResourceTypes.CONTROLLERREVISIONS).get(0)
        .at("/metadata/ownerReferences/0/uid").asText());
    assertTrue(status().path("collisionCount").asInt(0) == 0, status().toString());
  }

  @Test
  void conditionsWrittenThroughStatusStay() throws ApiException {
    threeReadyPods();
    ObjectNode body = f.get(ResourceTypes.STATEFULSETS, "web").deepCopy();
    ((ObjectNode) body.get("status")).putArray("conditions").addObject().put("type", "StatusPatched")
        .put("status", "True");
    f.registry.update(ResourceTypes.STATEFULSETS, NS, "web", body, "status");
    setImage("nginx:1.28"); // the controller writes status again during the rollout
    await("the rollout's status written", () -> status().path("observedGeneration").asInt() == 2);
    assertEquals("StatusPatched", status().at("/conditions/0/type").asText(), status().toString());
  }

  @Test
  void scalesDownFromTheHighestOrdinalOneAtATime() throws ApiException {
    threeReadyPods();
    f.mergePatch(ResourceTypes.STATEFULSETS, "web", "{\"spec\":{\"replicas\":1}}");
    await("web-2 gone first", () -> images().keySet().equals(java.util.Set.of("web-0", "web-1"))
        || images().keySet().equals(java.util.Set.of("web-0")));
    await("web-1 gone next", () -> images().keySet().equals(java.util.Set.of("web-0")));
    await("status of one replica", () -> status().path("replicas").asInt() == 1);
    assertTrue(f.list(ResourceTypes.EVENTS).toString().contains("delete Pod web-2 in StatefulSet web successful"));
  }

  @Test
  void waitsOnAnUnreadyPodBeforeScalingDown() throws ApiException {
    threeReadyPods();
    // web-0 turns unready: nothing may be deleted under OrderedReady
    ObjectNode pod = f.get(ResourceTypes.PODS, "web-0");
    ((ObjectNode) pod.at("/status/conditions/1")).put("status", "False");
    f.registry.update(ResourceTypes.PODS, NS, "web-0", pod, "status");
    f.mergePatch(ResourceTypes.STATEFULSETS, "web", "{\"spec\":{\"replicas\":2}}");
    WorkloadFixture.holdsFor("three pods while web-0 is unready", Duration.ofMillis(300), () -> {
      try {
        return images().size() == 3;
      } catch (ApiException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void rollsOutFromTheHighestOrdinalAndRollsBackToTheEqualRevision() throws ApiException {
    threeReadyPods();
    String first = status().path("currentRevision").asText();
    setImage("nginx:1.28");
    await("web-2 updated", () -> "nginx:1.28".equals(images().get("web-2")));
    assertEquals("nginx:1.27", images().get("web-0"));
    assertEquals("nginx:1.27", images().get("web-1"));
    f.markAllReady();
    await("web-1 updated", () -> "nginx:1.28".equals(images().get("web-1")));
    assertEquals("nginx:1.27", images().get("web-0"));
    f.markAllReady();
    await("web-0 updated", () -> "nginx:1.28".equals(images().get("web-0")));
    f.markAllReady();
    await("the rollout complete", () -> status().path("updatedReplicas").asInt() == 3
        && status().path("readyReplicas").asInt() == 3
        && status().path("currentRevision").asText().equals(status().path("updateRevision").asText()));
    String second = status().path("currentRevision").asText();
    assertNotEquals(first, second);
    assertEquals(2, f.list(ResourceTypes.CONTROLLERREVISIONS).size());

    setImage("nginx:1.27"); // what kubectl rollout undo's patch amounts to
    await("back at the first revision", () -> status().path("updateRevision").asText().equals(first));
    await("the first revision renumbered 3", () -> f.get(ResourceTypes.CONTROLLERREVISIONS, first)
        .path("revision").asLong() == 3);
    assertEquals(2, f.list(ResourceTypes.CONTROLLERREVISIONS).size());
  }

  @Test
  void aPartitionKeepsTheLowerOrdinalsAtTheCurrentRevision() throws ApiException {
    threeReadyPods();
    String first = status().path("currentRevision").asText();
    f.mergePatch(ResourceTypes.STATEFULSETS, "web",
        "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":2}}}}");
    setImage("nginx:1.28");
    await("web-2 updated", () -> "nginx:1.28".equals(images().get("web-2")));
    f.markAllReady();
    await("one updated replica", () -> status().path("updatedReplicas").asInt() == 1
        && status().path("readyReplicas").asInt() == 3);
    WorkloadFixture.holdsFor("web-0 and web-1 kept", Duration.ofMillis(200), () -> {
      try {
        return "nginx:1.27".equals(images().get("web-1")) && "nginx:1.27".equals(images().get("web-0"));
      } catch (ApiException e) {
        throw new AssertionError(e);
      }
    });
    assertEquals(first, status().path("currentRevision").asText());
  }

  @Test
  void onDeleteLeavesPodsUntilTheyAreDeleted() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS,
        statefulSet("web", 1, "\"updateStrategy\":{\"type\":\"OnDelete\"},"));
    await("web-0", () -> images().containsKey("web-0"));
    f.markAllReady();
    setImage("nginx:1.28");
    await("a new update revision", () -> !status().path("updateRevision").asText()
        .equals(status().path("currentRevision").asText()));
    WorkloadFixture.holdsFor("web-0 kept", Duration.ofMillis(200), () -> {
      try {
        return "nginx:1.27".equals(images().get("web-0"));
      } catch (ApiException e) {
        throw new AssertionError(e);
      }
    });
    f.registry.delete(ResourceTypes.PODS, NS, "web-0", io.gantry.control.server.registry.DeleteOptions.DEFAULT);
    await("web-0 recreated at the update revision", () -> "nginx:1.28".equals(images().get("web-0")));
  }

  @Test
  void parallelCreatesEveryPodAtOnce() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS,
        statefulSet("web", 3, "\"podManagementPolicy\":\"Parallel\","));
    await("3 pods without any being ready", () -> images().size() == 3);
    f.mergePatch(ResourceTypes.STATEFULSETS, "web", "{\"spec\":{\"replicas\":0}}");
    await("all gone", () -> images().isEmpty());
  }

  @Test
  void aFailedPodIsReplacedUnderTheSameName() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet("web", 1, ""));
    await("web-0", () -> images().containsKey("web-0"));
    ObjectNode pod = f.get(ResourceTypes.PODS, "web-0");
    String uid = ObjectMeta.text(pod, "uid");
    ((ObjectNode) pod.get("status")).put("phase", "Failed");
    f.registry.update(ResourceTypes.PODS, NS, "web-0", pod, "status");
    await("a new web-0", () -> images().containsKey("web-0")
        && !ObjectMeta.text(f.get(ResourceTypes.PODS, "web-0"), "uid").equals(uid));
  }
}
