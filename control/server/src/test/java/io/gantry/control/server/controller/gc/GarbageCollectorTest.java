package io.gantry.control.server.controller.gc;

import static io.gantry.control.server.controller.WorkloadFixture.NS;
import static io.gantry.control.server.controller.WorkloadFixture.await;
import static io.gantry.control.server.controller.WorkloadFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class GarbageCollectorTest {

  private static final DeleteOptions BACKGROUND = new DeleteOptions(null, null, null, "Background");
  private static final DeleteOptions ORPHAN = new DeleteOptions(null, null, null, "Orphan");
  private static final DeleteOptions FOREGROUND = new DeleteOptions(null, null, null, "Foreground");

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

  private void runningDeployment() throws ApiException {
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, WorkloadFixture.deployment("web", 2, "1.27"));
    await("a replica set with 2 pods", () -> f.list(ResourceTypes.REPLICASETS).size() == 1 && f.pods().size() == 2);
  }

  @Test
  void deletingADeploymentRemovesItsReplicaSetsAndTheirPods() throws ApiException {
    runningDeployment();
    f.registry.delete(ResourceTypes.DEPLOYMENTS, NS, "web", BACKGROUND);
    assertTrue(f.registry.find(ResourceTypes.DEPLOYMENTS, NS, "web").isEmpty(), "background: the owner goes at once");
    await("replica sets and pods collected",
        () -> f.list(ResourceTypes.REPLICASETS).isEmpty() && f.pods().isEmpty());
  }

  @Test
  void orphanPolicyKeepsDependentsWithoutTheOwnerReference() throws ApiException {
    runningDeployment();
    String rsName = ObjectMeta.name(f.list(ResourceTypes.REPLICASETS).get(0));
    Set<String> podNames = f.pods().stream().map(ObjectMeta::name).collect(Collectors.toSet());

    ObjectNode marked = f.registry.delete(ResourceTypes.DEPLOYMENTS, NS, "web", ORPHAN);
    assertTrue(ObjectMeta.isDeleting(marked));
    assertEquals("orphan", marked.at("/metadata/finalizers/0").asText());
    await("the deployment gone after orphaning",
        () -> f.registry.find(ResourceTypes.DEPLOYMENTS, NS, "web").isEmpty());

    ObjectNode rs = f.get(ResourceTypes.REPLICASETS, rsName);
    assertFalse(rs.path("metadata").has("ownerReferences"), "orphaned: " + rs.path("metadata"));
    WorkloadFixture.holdsFor("the replica set and its pods stay", Duration.ofMillis(300), () -> {
      try {
        return f.registry.find(ResourceTypes.REPLICASETS, NS, rsName).isPresent()
            && f.pods().stream().map(ObjectMeta::name).collect(Collectors.toSet()).equals(podNames);
      } catch (ApiException e) {
        return false;
      }
    });
    for (ObjectNode pod : f.pods()) {
      assertEquals(rsName, pod.at("/metadata/ownerReferences/0/name").asText(), "pods keep their replica set");
    }
  }

  @Test
  void foregroundDeletionRemovesTheReplicaSetsAndPodsBeforeTheDeployment() throws ApiException {
    runningDeployment();

    ObjectNode marked = f.registry.delete(ResourceTypes.DEPLOYMENTS, NS, "web", FOREGROUND);

    assertTrue(ObjectMeta.isDeleting(marked), "foreground: the owner stays marked: " + marked.path("metadata"));
    assertEquals("foregroundDeletion", marked.at("/metadata/finalizers/0").asText());
    await("everything gone", () -> f.registry.find(ResourceTypes.DEPLOYMENTS, NS, "web").isEmpty()
        && f.list(ResourceTypes.REPLICASETS).isEmpty() && f.pods().isEmpty());
  }

  @Test
  void foregroundOwnerWaitsForADependentThatBlocksItsDeletion() throws ApiException {
    ObjectNode owner = f.registry.create(ResourceTypes.SERVICES, NS, json(
        "{\"metadata\":{\"name\":\"owner\"},\"spec\":{\"ports\":[{\"port\":80}]}}"));
    f.registry.create(ResourceTypes.SERVICES, NS, json("""
        {"metadata":{"name":"held","finalizers":["example.com/hold"],
          "ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"owner","uid":"%s","blockOwnerDeletion":true}]},
         "spec":{"ports":[{"port":80}]}}""".formatted(ObjectMeta.text(owner, "uid"))));

    f.registry.delete(ResourceTypes.SERVICES, NS, "owner", FOREGROUND);

    await("the dependent marked for deletion", () -> ObjectMeta.isDeleting(f.get(ResourceTypes.SERVICES, "held")));
    WorkloadFixture.holdsFor("the owner waits for its dependent", Duration.ofMillis(300),
        () -> f.registry.find(ResourceTypes.SERVICES, NS, "owner").isPresent());
    f.mergePatch(ResourceTypes.SERVICES, "held", "{\"metadata\":{\"finalizers\":null}}");
    await("the owner gone after its dependent", () -> f.list(ResourceTypes.SERVICES).isEmpty());
  }

  @Test
  void aPodDeletedInTheForegroundWaitsForItsBlockingDependents() throws ApiException {
    ObjectNode pod = f.registry.create(ResourceTypes.PODS, NS, json(
        "{\"metadata\":{\"name\":\"owner\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"));
    f.registry.create(ResourceTypes.CONFIGMAPS, NS, json("""
        {"metadata":{"name":"held","finalizers":["example.com/hold"],
          "ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"owner","uid":"%s","blockOwnerDeletion":true}]}}"""
        .formatted(ObjectMeta.text(pod, "uid"))));

    ObjectNode marked = f.registry.delete(ResourceTypes.PODS, NS, "owner", FOREGROUND);

    assertEquals("foregroundDeletion", marked.at("/metadata/finalizers/0").asText(), marked.toString());
    await("the dependent marked for deletion", () -> ObjectMeta.isDeleting(f.get(ResourceTypes.CONFIGMAPS, "held")));
    WorkloadFixture.holdsFor("the pod waits for its dependent", Duration.ofMillis(300),
        () -> f.registry.find(ResourceTypes.PODS, NS, "owner").isPresent());
    f.mergePatch(ResourceTypes.CONFIGMAPS, "held", "{\"metadata\":{\"finalizers\":null}}");
    await("the pod gone after its dependent", () -> f.registry.find(ResourceTypes.PODS, NS, "owner").isEmpty());
  }

  /** The conformance case: "should not delete dependents that have both valid owner and owner that's waiting". */
  @Test
  void aForegroundOwnerLeavesADependentAnotherLiveOwnerHolds() throws ApiException {
    ObjectNode deleting = f.registry.create(ResourceTypes.SERVICES, NS, json(
        "{\"metadata\":{\"name\":\"deleting\"},\"spec\":{\"ports\":[{\"port\":80}]}}"));
    ObjectNode valid = f.registry.create(ResourceTypes.SERVICES, NS, json(
        "{\"metadata\":{\"name\":\"valid\"},\"spec\":{\"ports\":[{\"port\":80}]}}"));
    f.registry.create(ResourceTypes.CONFIGMAPS, NS, json("""
        {"metadata":{"name":"shared","ownerReferences":[
          {"apiVersion":"v1","kind":"Service","name":"deleting","uid":"%s","blockOwnerDeletion":true},
          {"apiVersion":"v1","kind":"Service","name":"valid","uid":"%s"}]}}""".formatted(
        ObjectMeta.text(deleting, "uid"), ObjectMeta.text(valid, "uid"))));

    f.registry.delete(ResourceTypes.SERVICES, NS, "deleting", FOREGROUND);

    await("the deleting owner gone", () -> f.registry.find(ResourceTypes.SERVICES, NS, "deleting").isEmpty());
    ObjectNode shared = f.get(ResourceTypes.CONFIGMAPS, "shared");
    assertFalse(ObjectMeta.isDeleting(shared), shared.path("metadata").toString());
    assertEquals(1, shared.at("/metadata/ownerReferences").size(), shared.path("metadata").toString());
    assertEquals("valid", shared.at("/metadata/ownerReferences/0/name").asText());
  }

  @Test
  void dependentsOfAMissingOwnerAreDeletedAndDanglingReferencesDropped() throws ApiException {
    ObjectNode service = f.registry.create(ResourceTypes.SERVICES, NS, json(
        "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"ports\":[{\"port\":80}]}}"));
    String ghost = """
        {"apiVersion":"apps/v1","kind":"ReplicaSet","name":"ghost","uid":"00000000-0000-0000-0000-000000000001"}""";
    String live = """
        {"apiVersion":"v1","kind":"Service","name":"web","uid":"%s"}""".formatted(ObjectMeta.text(service, "uid"));
    f.registry.create(ResourceTypes.PODS, NS, json("""
        {"metadata":{"name":"lost","ownerReferences":[%s]},
         "spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}""".formatted(ghost)));
    f.registry.create(ResourceTypes.PODS, NS, json("""
        {"metadata":{"name":"shared","ownerReferences":[%s,%s]},
         "spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}""".formatted(ghost, live)));

    await("the pod with only a missing owner deleted", () -> f.registry.find(ResourceTypes.PODS, NS, "lost").isEmpty());
    await("the dangling reference dropped",
        () -> f.get(ResourceTypes.PODS, "shared").at("/metadata/ownerReferences").size() == 1);
    assertEquals("web", f.get(ResourceTypes.PODS, "shared").at("/metadata/ownerReferences/0/name").asText());

    f.registry.delete(ResourceTypes.SERVICES, NS, "web", BACKGROUND);
    await("deleted with its last owner", () -> f.registry.find(ResourceTypes.PODS, NS, "shared").isEmpty());
  }

  @Test
  void dependentsOfAnyServedKindAreCollected() throws ApiException {
    ObjectNode owner = f.registry.create(ResourceTypes.CONFIGMAPS, NS, json("{\"metadata\":{\"name\":\"owner\"}}"));
    f.registry.create(ResourceTypes.SECRETS, NS, json("""
        {"metadata":{"name":"owned","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"%s"}]}}"""
        .formatted(ObjectMeta.text(owner, "uid"))));

    f.registry.delete(ResourceTypes.CONFIGMAPS, NS, "owner", BACKGROUND);

    await("the secret collected with its config map owner",
        () -> f.registry.find(ResourceTypes.SECRETS, NS, "owned").isEmpty());
  }

  @Test
  void anOwnerInAnotherNamespaceIsNoOwner() throws ApiException {
    f.registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"elsewhere\"}}"));
    ObjectNode owner = f.registry.create(ResourceTypes.CONFIGMAPS, NS, json("{\"metadata\":{\"name\":\"owner\"}}"));
    f.registry.create(ResourceTypes.SECRETS, "elsewhere", json("""
        {"metadata":{"name":"owned","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"%s"}]}}"""
        .formatted(ObjectMeta.text(owner, "uid"))));

    await("the secret collected: its owner is not in its namespace",
        () -> f.registry.find(ResourceTypes.SECRETS, "elsewhere", "owned").isEmpty());
    assertTrue(f.registry.find(ResourceTypes.CONFIGMAPS, NS, "owner").isPresent());
  }

  @Test
  void aNamesakeWithAnotherUidIsNotTheOwner() throws ApiException {
    ObjectNode first = f.registry.create(ResourceTypes.SERVICES, NS, json(
        "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"ports\":[{\"port\":80}]}}"));
    f.registry.create(ResourceTypes.PODS, NS, json("""
        {"metadata":{"name":"p","ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"web","uid":"%s"}]},
         "spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}""".formatted(ObjectMeta.text(first, "uid"))));
    f.registry.delete(ResourceTypes.SERVICES, NS, "web", BACKGROUND);
    f.registry.create(ResourceTypes.SERVICES, NS, json(
        "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"ports\":[{\"port\":80}]}}"));
    await("collected although a service named web exists again",
        () -> f.registry.find(ResourceTypes.PODS, NS, "p").isEmpty());
    assertEquals(List.of("web"), f.list(ResourceTypes.SERVICES).stream().map(ObjectMeta::name).toList());
  }
}
