package io.gantry.control.server.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The merge-key table ({@link MergeKeys}); named *Patch* so the patch test filter picks it up. */
class MergeKeysPatchTest {

  private static Optional<String> key(ResourceType type, String path) {
    return MergeKeys.forType(type).list(path).map(ListRule::mergeKey);
  }

  @Test
  void podSpecIsMountedWhereEachKindEmbedsIt() {
    for (ResourceType type : List.of(ResourceTypes.DEPLOYMENTS, ResourceTypes.REPLICASETS)) {
      assertEquals(Optional.of("name"), key(type, "spec.template.spec.containers"));
      assertEquals(Optional.of("containerPort"), key(type, "spec.template.spec.initContainers.ports"));
      assertEquals(Optional.of("mountPath"), key(type, "spec.template.spec.ephemeralContainers.volumeMounts"));
      assertEquals(Optional.of("name"), key(type, "spec.template.spec.volumes"));
      assertEquals(Optional.of(""), key(type, "spec.template.metadata.finalizers"));
    }
    assertEquals(Optional.of("name"), key(ResourceTypes.PODS, "spec.containers.env"));
    assertEquals(Optional.of("devicePath"), key(ResourceTypes.PODS, "spec.containers.volumeDevices"));
    assertEquals(Optional.of("topologyKey"), key(ResourceTypes.PODS, "spec.topologySpreadConstraints"));
    assertEquals(Optional.of("ip"), key(ResourceTypes.PODS, "status.podIPs"));
    assertEquals(Optional.empty(), key(ResourceTypes.PODS, "spec.template.spec.containers"), "a Pod has no template");
  }

  @Test
  void atomicListsHaveNoRule() {
    assertEquals(Optional.empty(), key(ResourceTypes.PODS, "spec.tolerations"));
    assertEquals(Optional.empty(), key(ResourceTypes.PODS, "spec.containers.command"));
    assertEquals(Optional.empty(), key(ResourceTypes.NODES, "spec.taints"));
    assertEquals(Optional.empty(), key(ResourceTypes.NAMESPACES, "spec.finalizers"));
    assertEquals(Optional.empty(), key(ResourceTypes.INGRESSES, "spec.rules"));
    assertEquals(Optional.empty(), key(ResourceTypes.NETWORKPOLICIES, "spec.ingress"));
    assertEquals(Optional.empty(), key(ResourceTypes.ENDPOINTSLICES, "endpoints"));
    assertEquals(Optional.empty(), key(ResourceTypes.DEPLOYMENTS, "spec.selector.matchExpressions"));
  }

  @Test
  void theWholeTableOfAService() {
    assertEquals(Map.of(
            "metadata.finalizers", ListRule.SCALAR_SET,
            "metadata.ownerReferences", ListRule.byKey("uid"),
            "spec.ports", ListRule.byKey("port"),
            "status.conditions", ListRule.byKey("type")),
        MergeKeys.forType(ResourceTypes.SERVICES).lists());
  }

  @Test
  void everyKindHasTheObjectMetaRules() {
    for (ResourceType type : ResourceTypes.ALL) {
      assertEquals(Optional.of("uid"), key(type, "metadata.ownerReferences"), type.kind());
      assertEquals(Optional.of(""), key(type, "metadata.finalizers"), type.kind());
    }
    ResourceType widget = new ResourceType("gantry.io", "v1alpha1", "widgets", "widget", "Widget", true,
        List.of(), List.of(), Set.of(), false);
    assertEquals(Set.of("metadata.finalizers", "metadata.ownerReferences"), MergeKeys.forType(widget).lists().keySet());
  }

  @Test
  void nodeAndNamespaceStatus() {
    assertEquals(Optional.of(""), key(ResourceTypes.NODES, "spec.podCIDRs"));
    assertEquals(Optional.of("type"), key(ResourceTypes.NODES, "status.addresses"));
    assertEquals(Optional.of("type"), key(ResourceTypes.NODES, "status.conditions"));
    assertEquals(Optional.of("type"), key(ResourceTypes.NAMESPACES, "status.conditions"));
    assertEquals(Optional.of("type"), key(ResourceTypes.DEPLOYMENTS, "status.conditions"));
  }

  @Test
  void emptyMergeKeyIsRejected() {
    assertEquals("mergeKey: \"\" (expected: a member name; use SCALAR_SET for scalars)",
        assertThrows(IllegalArgumentException.class, () -> ListRule.byKey("")).getMessage());
  }

  @Test
  void aBudgetsSelectorIsReplacedWholeAndItsConditionsMergeByType() throws Exception {
    ObjectNode budget = PatchFixtures.object("""
        {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "b"},
         "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web", "role": "web"}}},
         "status": {"conditions": [{"type": "DisruptionAllowed", "status": "True", "reason": "SufficientPods"}]}}
        """);

    ObjectNode patched = Patches.apply(PatchType.STRATEGIC_MERGE_PATCH, ResourceTypes.PODDISRUPTIONBUDGETS, budget,
        PatchFixtures.json("""
            {"spec": {"selector": {"matchLabels": {"tier": "web"}}},
             "status": {"conditions": [{"type": "Foo", "status": "True", "reason": "Bar"}]}}
            """));

    assertEquals("{\"matchLabels\":{\"tier\":\"web\"}}", patched.at("/spec/selector").toString(),
        "patchStrategy=replace: the old keys go");
    assertEquals(Set.of("DisruptionAllowed", "Foo"), Set.copyOf(patched.at("/status/conditions").findValuesAsText("type")),
        "merged by type, the controller's condition kept");
  }

  @Test
  void aJobsTemplateContainersAndConditionsAreKeyedLists() {
    assertEquals(Optional.of("name"), key(ResourceTypes.JOBS, "spec.template.spec.containers"));
    assertEquals(Optional.of("type"), key(ResourceTypes.JOBS, "status.conditions"));
  }

  @Test
  void kubectlSetImageOnACronJobChangesOnlyTheImage() throws Exception {
    ObjectNode cronJob = PatchFixtures.object("""
        {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "smp"},
         "spec": {"schedule": "0 0 1 1 *", "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure",
          "containers": [{"name": "smp", "image": "/bin/sh", "command": ["/bin/sh", "-c", "echo hi"]}]}}}}}}
        """);

    ObjectNode patched = Patches.apply(PatchType.STRATEGIC_MERGE_PATCH, ResourceTypes.CRONJOBS, cronJob,
        PatchFixtures.json("""
            {"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "smp", "image": "/bin/bash"}]}}}}}}
            """));

    assertEquals("{\"name\":\"smp\",\"image\":\"/bin/bash\",\"command\":[\"/bin/sh\",\"-c\",\"echo hi\"]}",
        patched.at("/spec/jobTemplate/spec/template/spec/containers/0").toString());
  }
}
