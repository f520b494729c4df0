package io.gantry.control.server.patch;

import static io.gantry.control.server.patch.PatchFixtures.deployment;
import static io.gantry.control.server.patch.PatchFixtures.directiveKeys;
import static io.gantry.control.server.patch.PatchFixtures.json;
import static io.gantry.control.server.patch.PatchFixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Strategic merge directives and list semantics beyond the bodies kubectl apply sent. */
class StrategicMergePatchDirectivesTest {

  private static ObjectNode smp(ResourceType type, ObjectNode live, String patch) throws PatchException {
    ObjectNode result = Patches.apply(PatchType.STRATEGIC_MERGE_PATCH, type, live, json(patch));
    assertEquals(Map.of(), directiveKeys(result), "directives must not reach the result");
    return result;
  }

  private static String error(ResourceType type, ObjectNode live, String patch) {
    return assertThrows(PatchException.class,
        () -> Patches.apply(PatchType.STRATEGIC_MERGE_PATCH, type, live, json(patch))).getMessage();
  }

  private static ObjectNode pod(String metadata, String spec) {
    return object("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":" + metadata + ",\"spec\":" + spec + "}");
  }

  private static final String TWO_CONTAINERS = """
      {"containers":[{"name":"web","image":"nginx"},{"name":"sidecar","image":"busybox"}]}""";

  @Test
  void deleteFromPrimitiveListRemovesFinalizers() throws PatchException {
    ObjectNode live = pod("{\"name\":\"p\",\"finalizers\":[\"a.io/x\",\"b.io/y\",\"c.io/z\"]}", "{}");

    ObjectNode result = smp(ResourceTypes.PODS, live, """
        {"metadata":{"$deleteFromPrimitiveList/finalizers":["b.io/y","not.there/q"]}}""");

    assertEquals(json("[\"a.io/x\",\"c.io/z\"]"), result.at("/metadata/finalizers"));
  }

  @Test
  void finalizersMergeAsAnOrderedSet() throws PatchException {
    ObjectNode live = pod("{\"name\":\"p\",\"finalizers\":[\"a\",\"b\"]}", "{}");

    assertEquals(json("[\"a\",\"b\",\"c\"]"), smp(ResourceTypes.PODS, live, """
        {"metadata":{"$setElementOrder/finalizers":["a","b","c"],"finalizers":["c"]}}""").at("/metadata/finalizers"));
    assertEquals(json("[\"a\",\"b\"]"), smp(ResourceTypes.PODS, live, """
        {"metadata":{"finalizers":["b"]}}""").at("/metadata/finalizers"), "no duplicates");
    assertEquals(json("[\"a\"]"), smp(ResourceTypes.PODS, live, """
        {"metadata":{"$setElementOrder/finalizers":["a"],"$deleteFromPrimitiveList/finalizers":["b"]}}""")
        .at("/metadata/finalizers"), "kubectl apply's removal of a finalizer");
  }

  @Test
  void withoutSetElementOrderNewElementsGoFirstAsUpstream() throws PatchException {
    // apimachinery puts patch elements before live-only ones when it has no order to go by (the
    // "kubectl patch" task page shows the added container first).
    ObjectNode result = smp(ResourceTypes.PODS, pod("{\"name\":\"p\"}", TWO_CONTAINERS), """
        {"spec":{"containers":[{"name":"redis","image":"redis"}]}}""");

    assertEquals(json("""
        [{"name":"redis","image":"redis"},{"name":"web","image":"nginx"},{"name":"sidecar","image":"busybox"}]"""),
        result.at("/spec/containers"));
  }

  @Test
  void setElementOrderReordersAndPlacesNewElements() throws PatchException {
    ObjectNode result = smp(ResourceTypes.PODS, pod("{\"name\":\"p\"}", TWO_CONTAINERS), """
        {"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"web"},{"name":"redis"}],
                 "containers":[{"name":"redis","image":"redis"}]}}""");

    assertEquals(json("""
        [{"name":"sidecar","image":"busybox"},{"name":"web","image":"nginx"},{"name":"redis","image":"redis"}]"""),
        result.at("/spec/containers"));
  }

  @Test
  void setElementOrderThatOmitsLiveElementsInterleavesThemAsUpstream() throws PatchException {
    // Upstream's mergeSortedSlice: a live-only element goes before the next ordered element when it
    // came before that element in the live list: b (live index 1) precedes c (live index 2).
    ObjectNode live = pod("{\"name\":\"p\"}", """
        {"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}""");

    ObjectNode result = smp(ResourceTypes.PODS, live, """
        {"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"a"}]}}""");

    assertEquals(json("[{\"name\":\"b\"},{\"name\":\"c\"},{\"name\":\"a\"}]"), result.at("/spec/containers"));
  }

  @Test
  void patchReplaceInAList() throws PatchException {
    ObjectNode result = smp(ResourceTypes.PODS, pod("{\"name\":\"p\"}", TWO_CONTAINERS), """
        {"spec":{"containers":[{"name":"only","image":"x","env":[{"name":"A","value":"1"}]},{"$patch":"replace"}]}}""");

    assertEquals(json("[{\"name\":\"only\",\"image\":\"x\",\"env\":[{\"name\":\"A\",\"value\":\"1\"}]}]"),
        result.at("/spec/containers"));
  }

  @Test
  void patchReplaceInAMap() throws PatchException {
    ObjectNode result = smp(ResourceTypes.DEPLOYMENTS, deployment(), """
        {"spec":{"selector":{"$patch":"replace","matchLabels":{"tier":"front"}}},
         "metadata":{"labels":{"$patch":"replace","new":"label"}}}""");

    assertEquals(json("{\"matchLabels\":{\"tier\":\"front\"}}"), result.at("/spec/selector"));
    assertEquals(json("{\"new\":\"label\"}"), result.at("/metadata/labels"));
  }

  @Test
  void patchDeleteInAMapRemovesIt() throws PatchException {
    ObjectNode result = smp(ResourceTypes.DEPLOYMENTS, deployment(), """
        {"spec":{"strategy":{"$patch":"delete"},"template":{"metadata":{"$patch":"delete"}}}}""");

    ObjectNode expected = deployment();
    ((ObjectNode) expected.get("spec")).remove("strategy");
    ((ObjectNode) expected.at("/spec/template")).remove("metadata");
    assertEquals(expected, result);
  }

  @Test
  void retainKeysOnAVolumeSourceSwitch() throws PatchException {
    ObjectNode live = pod("{\"name\":\"p\"}", """
        {"containers":[{"name":"web"}],"volumes":[{"name":"data","emptyDir":{}},{"name":"cfg","configMap":{"name":"c"}}]}""");

    ObjectNode result = smp(ResourceTypes.PODS, live, """
        {"spec":{"volumes":[{"$retainKeys":["hostPath","name"],"hostPath":{"path":"/d"},"name":"data"}]}}""");

    assertEquals(json("[{\"name\":\"data\",\"hostPath\":{\"path\":\"/d\"}},{\"name\":\"cfg\",\"configMap\":{\"name\":\"c\"}}]"),
        result.at("/spec/volumes"));
  }

  @Test
  void keyedListsMergeByTheirKeys() throws PatchException {
    ObjectNode live = pod("""
        {"name":"p","ownerReferences":[{"uid":"u1","kind":"ReplicaSet","name":"rs1"},{"uid":"u2","kind":"X","name":"x"}]}""",
        """
        {"containers":[{"name":"web","ports":[{"containerPort":80,"name":"http"}],
                        "volumeMounts":[{"mountPath":"/data","name":"data"}],"args":["a","b"]}],
         "initContainers":[{"name":"init","image":"busybox"}],
         "tolerations":[{"key":"k1","operator":"Exists"}],
         "imagePullSecrets":[{"name":"reg"}],
         "hostAliases":[{"ip":"10.0.0.1","hostnames":["a"]}]}""");

    ObjectNode result = smp(ResourceTypes.PODS, live, """
        {"metadata":{"ownerReferences":[{"uid":"u2","controller":true}]},
         "spec":{"containers":[{"name":"web","ports":[{"containerPort":80,"protocol":"TCP"}],
                                "volumeMounts":[{"mountPath":"/data","readOnly":true}],"args":["c"]}],
                 "initContainers":[{"name":"init","image":"busybox:1.36"}],
                 "tolerations":[{"key":"k2","operator":"Exists"}],
                 "hostAliases":[{"ip":"10.0.0.1","hostnames":["b"]}]}}""");

    assertEquals(json("""
        [{"uid":"u1","kind":"ReplicaSet","name":"rs1"},{"uid":"u2","kind":"X","name":"x","controller":true}]"""),
        result.at("/metadata/ownerReferences"));
    assertEquals(json("""
        [{"name":"web","ports":[{"containerPort":80,"name":"http","protocol":"TCP"}],
          "volumeMounts":[{"mountPath":"/data","name":"data","readOnly":true}],"args":["c"]}]"""),
        result.at("/spec/containers"), "ports by containerPort, volumeMounts by mountPath, args replaced");
    assertEquals(json("[{\"name\":\"init\",\"image\":\"busybox:1.36\"}]"), result.at("/spec/initContainers"));
    assertEquals(json("[{\"key\":\"k2\",\"operator\":\"Exists\"}]"), result.at("/spec/tolerations"), "atomic");
    assertEquals(json("[{\"ip\":\"10.0.0.1\",\"hostnames\":[\"b\"]}]"), result.at("/spec/hostAliases"),
        "merged by ip; hostnames is atomic");
    assertEquals(json("[{\"name\":\"reg\"}]"), result.at("/spec/imagePullSecrets"));
  }

  @Test
  void nodeTaintsAreAtomicAndPodCidrsMerge() throws PatchException {
    ObjectNode node = object("""
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},
         "spec":{"podCIDRs":["10.244.0.0/24"],"taints":[{"key":"a","effect":"NoSchedule"}]},
         "status":{"conditions":[{"type":"Ready","status":"False"},{"type":"MemoryPressure","status":"False"}]}}""");

    ObjectNode result = smp(ResourceTypes.NODES, node, """
        {"spec":{"podCIDRs":["fd00::/64"],"taints":[{"key":"b","effect":"NoExecute"}]},
         "status":{"conditions":[{"type":"Ready","status":"True"}]}}""");

    assertEquals(json("[\"fd00::/64\",\"10.244.0.0/24\"]"), result.at("/spec/podCIDRs"));
    assertEquals(json("[{\"key\":\"b\",\"effect\":\"NoExecute\"}]"), result.at("/spec/taints"));
    assertEquals(json("[{\"type\":\"Ready\",\"status\":\"True\"},{\"type\":\"MemoryPressure\",\"status\":\"False\"}]"),
        result.at("/status/conditions"));
  }

  @Test
  void newValuesLoseTheirDirectivesAndNulls() throws PatchException {
    ObjectNode result = smp(ResourceTypes.PODS, pod("{\"name\":\"p\"}", "{\"containers\":[{\"name\":\"web\"}]}"), """
        {"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"new"}],
                 "containers":[{"name":"new","$setElementOrder/env":[{"name":"A"}],"env":[{"name":"A","value":"1"},
                                {"$patch":"delete","name":"gone"}],"resources":{"limits":{"cpu":null,"memory":"1Gi"}}}],
                 "securityContext":{"runAsUser":1000,"sysctls":null}}}""");

    assertEquals(json("""
        {"containers":[{"name":"web"},{"name":"new","env":[{"name":"A","value":"1"}],"resources":{"limits":{"memory":"1Gi"}}}],
         "securityContext":{"runAsUser":1000}}"""), result.get("spec"));
  }

  @Test
  void numbersMatchByValue() throws PatchException {
    ObjectNode live = pod("{\"name\":\"p\"}", "{\"containers\":[{\"name\":\"web\",\"ports\":[{\"containerPort\":80.0}]}]}");

    JsonNode ports = smp(ResourceTypes.PODS, live, """
        {"spec":{"containers":[{"name":"web","ports":[{"containerPort":80,"name":"http"}]}]}}""")
        .at("/spec/containers/0/ports");

    assertEquals(1, ports.size());
    assertEquals("http", ports.get(0).get("name").asText());
  }

  @Test
  void largeListsMergeInLinearTime() {
    int n = 20_000;
    ArrayNode env = json("[]").deepCopy();
    ArrayNode changes = json("[]").deepCopy();
    for (int i = 0; i < n; i++) {
      env.addObject().put("name", "V" + i).put("value", "old");
      changes.addObject().put("name", "V" + (n - 1 - i)).put("value", "new");
    }
    ObjectNode live = pod("{\"name\":\"p\"}", "{\"containers\":[{\"name\":\"web\",\"env\":" + env + "}]}");
    String patch = "{\"spec\":{\"containers\":[{\"name\":\"web\",\"env\":" + changes + "}]}}";

    JsonNode merged = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> smp(ResourceTypes.PODS, live, patch)).at("/spec/containers/0/env");

    assertEquals(n, merged.size());
    assertEquals(json("{\"name\":\"V" + (n - 1) + "\",\"value\":\"new\"}"), merged.get(0), "patch order wins");
  }

  @Test
  void errorsSayWhatAndWhere() {
    ObjectNode live = pod("{\"name\":\"p\"}", TWO_CONTAINERS);
    assertEquals("spec.containers: map {\"image\":\"x\"} does not contain declared merge key: name",
        error(ResourceTypes.PODS, live, "{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}"));
    assertEquals("spec.containers: map {\"$patch\":\"delete\"} does not contain declared merge key: name",
        error(ResourceTypes.PODS, live, "{\"spec\":{\"containers\":[{\"$patch\":\"delete\"}]}}"));
    assertEquals("spec.containers: merging lists cannot yet be specified in the patch",
        error(ResourceTypes.PODS, live, "{\"spec\":{\"containers\":[{\"$patch\":\"merge\"}]}}"));
    assertEquals("spec: unknown patch type \"remove\" in map (expected: replace or delete)",
        error(ResourceTypes.PODS, live, "{\"spec\":{\"$patch\":\"remove\"}}"));
    assertEquals("spec: unknown directive \"$foo\" (expected: $patch, $retainKeys, $setElementOrder/<list> "
            + "or $deleteFromPrimitiveList/<list>)",
        error(ResourceTypes.PODS, live, "{\"spec\":{\"$foo\":1}}"));
    assertEquals("spec.strategy: invalid patch format of retainKeys: the patch sets \"rollingUpdate\", which "
            + "$retainKeys [\"type\"] does not list",
        error(ResourceTypes.DEPLOYMENTS, deployment(),
            "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"rollingUpdate\":{}}}}"));
    assertEquals("spec.containers: the order in the patch list [{\"name\":\"web\",\"image\":\"a\"},"
            + "{\"name\":\"sidecar\",\"image\":\"b\"}] doesn't match the $setElementOrder list "
            + "[{\"name\":\"sidecar\"},{\"name\":\"web\"}]",
        error(ResourceTypes.PODS, live, """
            {"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"web"}],
                     "containers":[{"name":"web","image":"a"},{"name":"sidecar","image":"b"}]}}"""));
    assertEquals("spec.containers: list element types are not identical: \"x\" among objects",
        error(ResourceTypes.PODS, live, "{\"spec\":{\"containers\":[\"x\"]}}"));
    assertEquals("\"$patch\": \"delete\" at the top level would delete the whole object",
        error(ResourceTypes.PODS, live, "{\"$patch\":\"delete\"}"));
    assertEquals("the patch must be a JSON object, not [{\"op\":\"add\"}]",
        error(ResourceTypes.PODS, live, "[{\"op\":\"add\"}]"));
  }
}
