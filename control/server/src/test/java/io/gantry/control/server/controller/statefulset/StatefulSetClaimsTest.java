package io.gantry.control.server.controller.statefulset;

import static io.gantry.control.server.controller.WorkloadFixture.NS;
import static io.gantry.control.server.controller.WorkloadFixture.await;
import static io.gantry.control.server.controller.WorkloadFixture.json;
import static io.gantry.control.server.controller.WorkloadFixture.label;
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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The StatefulSet controller's PersistentVolumeClaims: created before the pods, owned as the retention policy says. */
class StatefulSetClaimsTest {

  private static final DeleteOptions BACKGROUND = new DeleteOptions(null, null, null, "Background");

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

  /** web with a {@code www} claim template (labelled and annotated) and the given extra spec fields. */
  private static ObjectNode statefulSet(int replicas, String extraSpec) {
    return json("""
        {"metadata":{"name":"web"},"spec":{"replicas":%d,"serviceName":"nginx",%s
         "selector":{"matchLabels":{"app":"web"}},
         "template":{"metadata":{"labels":{"app":"web"}},
                     "spec":{"containers":[{"name":"web","image":"nginx:1.27",
                       "volumeMounts":[{"name":"www","mountPath":"/usr/share/nginx/html"}]}]}},
         "volumeClaimTemplates":[{"metadata":{"name":"www","labels":{"tier":"storage"},
                                               "annotations":{"note":"kept"}},
           "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}
        """.formatted(replicas, extraSpec));
  }

  private static String policy(String whenDeleted, String whenScaled) {
    return "\"podManagementPolicy\":\"Parallel\",\"persistentVolumeClaimRetentionPolicy\":{\"whenDeleted\":\""
        + whenDeleted + "\",\"whenScaled\":\"" + whenScaled + "\"},";
  }

  private Set<String> names(io.gantry.control.server.resource.ResourceType type) throws ApiException {
    Set<String> names = new TreeSet<>();
    for (ObjectNode object : f.list(type)) {
      if (!ObjectMeta.isDeleting(object)) {
        names.add(ObjectMeta.name(object));
      }
    }
    return names;
  }

  private ObjectNode claim(String name) throws ApiException {
    return f.get(ResourceTypes.PERSISTENTVOLUMECLAIMS, name);
  }

  private String events() throws ApiException {
    return f.list(ResourceTypes.EVENTS).toString();
  }

  @Test
  void createsEachPodsClaimsFromTheTemplateBeforeThePod() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet(2, "\"podManagementPolicy\":\"Parallel\","));
    await("2 pods", () -> names(ResourceTypes.PODS).size() == 2);
    assertEquals(Set.of("www-web-0", "www-web-1"), names(ResourceTypes.PERSISTENTVOLUMECLAIMS));
    for (int i = 0; i < 2; i++) {
      ObjectNode claim = claim("www-web-" + i);
      ObjectNode pod = f.get(ResourceTypes.PODS, "web-" + i);
      assertTrue(Long.parseLong(ObjectMeta.text(claim, "resourceVersion"))
          < Long.parseLong(ObjectMeta.text(pod, "resourceVersion")), "the claim is created before its pod");
      assertEquals("web", label(claim, "app"), "the selector's matchLabels");
      assertEquals("storage", label(claim, "tier"), "the template's labels");
      assertEquals("kept", claim.at("/metadata/annotations/note").asText());
      assertEquals("1Gi", claim.at("/spec/resources/requests/storage").asText());
      assertEquals("ReadWriteOnce", claim.at("/spec/accessModes/0").asText());
      assertTrue(claim.at("/metadata/ownerReferences").isMissingNode(), "Retain: no owner " + claim);
      assertEquals("www-web-" + i, pod.at("/spec/volumes/0/persistentVolumeClaim/claimName").asText());
    }
    assertTrue(events().contains("create Claim www-web-0 Pod web-0 in StatefulSet web success"), events());
  }

  @Test
  void keepsAClaimThatExists() throws ApiException {
    ObjectNode existing = f.registry.create(ResourceTypes.PERSISTENTVOLUMECLAIMS, NS, json("""
        {"metadata":{"name":"www-web-0","labels":{"mine":"yes"}},
         "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"5Gi"}}}}"""));
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet(1, ""));
    await("web-0", () -> names(ResourceTypes.PODS).contains("web-0"));
    ObjectNode claim = claim("www-web-0");
    assertEquals(ObjectMeta.text(existing, "uid"), ObjectMeta.text(claim, "uid"));
    assertEquals("yes", label(claim, "mine"));
    assertEquals("5Gi", claim.at("/spec/resources/requests/storage").asText());
    assertFalse(events().contains("create Claim www-web-0"), events());
  }

  @Test
  void aClaimBeingDeletedHoldsBackItsPod() throws ApiException {
    f.registry.create(ResourceTypes.PERSISTENTVOLUMECLAIMS, NS, json("""
        {"metadata":{"name":"www-web-0","finalizers":["example.com/hold"]},
         "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}"""));
    f.registry.delete(ResourceTypes.PERSISTENTVOLUMECLAIMS, NS, "www-web-0", DeleteOptions.DEFAULT);
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet(1, ""));
    await("the FailedCreate event", () -> events().contains(
        "create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted"));
    assertFalse(names(ResourceTypes.PODS).contains("web-0"));
    f.mergePatch(ResourceTypes.PERSISTENTVOLUMECLAIMS, "www-web-0", "{\"metadata\":{\"finalizers\":null}}");
    await("web-0 with a new claim", () -> names(ResourceTypes.PODS).contains("web-0")
        && names(ResourceTypes.PERSISTENTVOLUMECLAIMS).contains("www-web-0"));
  }

  @Test
  void whenDeletedDeleteLetsTheClaimsGoWithTheSet() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet(2, policy("Delete", "Retain")));
    await("2 claims", () -> names(ResourceTypes.PERSISTENTVOLUMECLAIMS).size() == 2);
    String setUid = ObjectMeta.text(f.get(ResourceTypes.STATEFULSETS, "web"), "uid");
    ObjectNode owner = (ObjectNode) claim("www-web-1").at("/metadata/ownerReferences/0");
    assertEquals("StatefulSet", owner.path("kind").asText());
    assertEquals(setUid, owner.path("uid").asText());
    assertTrue(owner.path("controller").asBoolean(), "a controller reference, as 1.32's addControllerRef");
    f.registry.delete(ResourceTypes.STATEFULSETS, NS, "web", BACKGROUND);
    await("the claims collected", () -> names(ResourceTypes.PERSISTENTVOLUMECLAIMS).isEmpty());
    await("the pods collected", () -> names(ResourceTypes.PODS).isEmpty());
  }

  @Test
  void retainKeepsTheClaimsWhenTheSetIsDeleted() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet(2, policy("Retain", "Retain")));
    await("2 claims", () -> names(ResourceTypes.PERSISTENTVOLUMECLAIMS).size() == 2);
    f.registry.delete(ResourceTypes.STATEFULSETS, NS, "web", BACKGROUND);
    await("the pods collected", () -> names(ResourceTypes.PODS).isEmpty());
    WorkloadFixture.holdsFor("the claims kept", Duration.ofMillis(300), () -> {
      try {
        return names(ResourceTypes.PERSISTENTVOLUMECLAIMS).equals(Set.of("www-web-0", "www-web-1"));
      } catch (ApiException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void whenScaledDeleteLetsTheClaimsGoWithTheRemovedPods() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet(3, policy("Retain", "Delete")));
    await("3 pods", () -> names(ResourceTypes.PODS).size() == 3);
    String kept = ObjectMeta.text(claim("www-web-0"), "uid");
    String removed = ObjectMeta.text(claim("www-web-2"), "uid");
    f.mergePatch(ResourceTypes.STATEFULSETS, "web", "{\"spec\":{\"replicas\":1}}");
    await("web-1 and web-2 gone", () -> names(ResourceTypes.PODS).equals(Set.of("web-0")));
    await("their claims gone", () -> names(ResourceTypes.PERSISTENTVOLUMECLAIMS).equals(Set.of("www-web-0")));
    assertEquals(kept, ObjectMeta.text(claim("www-web-0"), "uid"));
    assertTrue(claim("www-web-0").at("/metadata/ownerReferences").isMissingNode());

    f.mergePatch(ResourceTypes.STATEFULSETS, "web", "{\"spec\":{\"replicas\":3}}");
    await("web-2 back with a new claim", () -> names(ResourceTypes.PODS).size() == 3
        && names(ResourceTypes.PERSISTENTVOLUMECLAIMS).size() == 3);
    assertFalse(removed.equals(ObjectMeta.text(claim("www-web-2"), "uid")));
  }

  @Test
  void whenScaledRetainKeepsTheClaimsOfRemovedPods() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet(3, policy("Retain", "Retain")));
    await("3 pods", () -> names(ResourceTypes.PODS).size() == 3);
    f.mergePatch(ResourceTypes.STATEFULSETS, "web", "{\"spec\":{\"replicas\":1}}");
    await("web-1 and web-2 gone", () -> names(ResourceTypes.PODS).equals(Set.of("web-0")));
    WorkloadFixture.holdsFor("the claims kept", Duration.ofMillis(300), () -> {
      try {
        return names(ResourceTypes.PERSISTENTVOLUMECLAIMS).size() == 3;
      } catch (ApiException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void aPolicyChangeRewritesTheOwnersOfExistingClaims() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet(1, ""));
    await("web-0", () -> names(ResourceTypes.PODS).contains("web-0"));
    f.markAllReady();
    f.mergePatch(ResourceTypes.STATEFULSETS, "web",
        "{\"spec\":{\"persistentVolumeClaimRetentionPolicy\":{\"whenDeleted\":\"Delete\"}}}");
    await("the set owns the claim", () -> "StatefulSet".equals(
        claim("www-web-0").at("/metadata/ownerReferences/0/kind").asText()));
    f.mergePatch(ResourceTypes.STATEFULSETS, "web",
        "{\"spec\":{\"persistentVolumeClaimRetentionPolicy\":{\"whenDeleted\":\"Retain\"}}}");
    await("Retain drops the reference", () -> claim("www-web-0").at("/metadata/ownerReferences").isMissingNode());
  }
}
