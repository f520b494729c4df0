package io.gantry.control.server.controller.statefulset;

import static io.gantry.control.server.controller.WorkloadFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Claim names, templating and owner references per retention policy, as upstream's stateful_set_utils.go. */
class StatefulClaimsTest {

  private static ObjectNode set(int replicas, String whenDeleted, String whenScaled) {
    return json("""
        {"metadata":{"name":"web","namespace":"demo","uid":"set-uid"},
         "spec":{"replicas":%d,"selector":{"matchLabels":{"app":"web"}},
          "persistentVolumeClaimRetentionPolicy":{"whenDeleted":"%s","whenScaled":"%s"},
          "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"]}},
                                  {"metadata":{"name":"logs","labels":{"app":"other","k":"v"}},"spec":{}}]}}
        """.formatted(replicas, whenDeleted, whenScaled));
  }

  private static ObjectNode pod(String name, String uid) {
    return json("{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"demo\",\"uid\":\"" + uid + "\"}}");
  }

  private static ObjectNode claim() {
    return json("{\"metadata\":{\"name\":\"data-web-1\",\"namespace\":\"demo\"}}");
  }

  /** The kinds of the claim's owners, in order. */
  private static List<String> owners(ObjectNode claim) {
    List<String> kinds = new ArrayList<>();
    OwnerReferences.of(claim).forEach(ref -> kinds.add(ref.path("kind").asText()));
    return kinds;
  }

  private static List<String> ownersAfterUpdate(ObjectNode set, ObjectNode pod) {
    ObjectNode claim = claim();
    StatefulClaims.updateOwners(claim, set, pod);
    assertTrue(StatefulClaims.ownerUpToDate(claim, set, pod), "up to date after the update: " + claim);
    return owners(claim);
  }

  @Test
  void claimsAreNamedAndLabelledAsUpstream() {
    var claims = StatefulClaims.claimsFor(set(2, "Retain", "Retain"), "web-1");
    assertEquals(List.of("data", "logs"), List.copyOf(claims.keySet()));
    assertEquals("data-web-1", claims.get("data").at("/metadata/name").asText());
    assertEquals("demo", claims.get("data").at("/metadata/namespace").asText());
    assertEquals(json("{\"app\":\"web\"}"), claims.get("data").at("/metadata/labels"));
    // the selector's matchLabels win over the template's own
    assertEquals(json("{\"app\":\"web\",\"k\":\"v\"}"), claims.get("logs").at("/metadata/labels"));
    assertEquals("ReadWriteOnce", claims.get("data").at("/spec/accessModes/0").asText());
  }

  @Test
  void ownersFollowThePolicyAndWhetherThePodWasScaledAway() {
    ObjectNode inRange = pod("web-1", "pod-uid");
    assertEquals(List.of(), ownersAfterUpdate(set(2, "Retain", "Retain"), inRange));
    assertEquals(List.of("StatefulSet"), ownersAfterUpdate(set(2, "Delete", "Retain"), inRange));
    assertEquals(List.of(), ownersAfterUpdate(set(2, "Retain", "Delete"), inRange));
    assertEquals(List.of("StatefulSet"), ownersAfterUpdate(set(2, "Delete", "Delete"), inRange));
    // replicas 1: web-1 is condemned
    assertEquals(List.of(), ownersAfterUpdate(set(1, "Retain", "Retain"), inRange));
    assertEquals(List.of("StatefulSet"), ownersAfterUpdate(set(1, "Delete", "Retain"), inRange));
    assertEquals(List.of("Pod"), ownersAfterUpdate(set(1, "Retain", "Delete"), inRange));
    assertEquals(List.of("Pod"), ownersAfterUpdate(set(1, "Delete", "Delete"), inRange));
  }

  @Test
  void retainRemovesTheReferencesAndKeepsOthers() {
    ObjectNode set = set(1, "Delete", "Delete");
    ObjectNode pod = pod("web-1", "pod-uid");
    ObjectNode claim = claim();
    OwnerReferences.add(claim, json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"c\",\"uid\":\"cm\"}"));
    StatefulClaims.updateOwners(claim, set, pod);
    assertEquals(List.of("ConfigMap", "Pod"), owners(claim));
    ObjectNode retain = set(1, "Retain", "Retain");
    assertFalse(StatefulClaims.ownerUpToDate(claim, retain, pod));
    StatefulClaims.updateOwners(claim, retain, pod);
    assertEquals(List.of("ConfigMap"), owners(claim));
  }

  @Test
  void aNonControllerReferenceIsNotUpToDate() {
    ObjectNode set = set(2, "Delete", "Retain");
    ObjectNode claim = claim();
    ObjectNode ref = OwnerReferences.controllerRef(ResourceTypes.STATEFULSETS, set);
    ref.remove("controller");
    OwnerReferences.add(claim, ref);
    assertFalse(StatefulClaims.ownerUpToDate(claim, set, pod("web-1", "pod-uid")));
  }

  @Test
  void staleReferencesAndOtherControllersAreLeftAlone() {
    ObjectNode set = set(1, "Retain", "Delete");
    ObjectNode pod = pod("web-1", "pod-uid");
    ObjectNode stale = claim();
    OwnerReferences.add(stale, OwnerReferences.controllerRef(ResourceTypes.PODS, pod("web-1", "old-uid")));
    assertTrue(StatefulClaims.hasStaleOwnerRef(stale, ResourceTypes.PODS, "web-1", "pod-uid"));
    assertTrue(StatefulClaims.hasStaleOwnerRef(stale, ResourceTypes.PODS, "web-1", ""), "a pod not yet created");
    assertFalse(StatefulClaims.hasStaleOwnerRef(stale, ResourceTypes.PODS, "web-1", "old-uid"));
    assertFalse(StatefulClaims.hasStaleOwnerRef(stale, ResourceTypes.PODS, "web-0", ""));
    assertTrue(StatefulClaims.ownerUpToDate(stale, set, pod), "a predecessor's claim is not touched");

    ObjectNode other = claim();
    OwnerReferences.add(other, json("""
        {"apiVersion":"example.com/v1","kind":"Keeper","name":"k","uid":"k-uid","controller":true}"""));
    assertTrue(StatefulClaims.ownerUpToDate(other, set, pod), "another controller's claim is not touched");
    StatefulClaims.updateOwners(other, set, pod);
    assertEquals(List.of("Keeper"), owners(other), "no second controller is added");
  }
}
