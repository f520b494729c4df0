package io.gantry.control.server.patch;

import static io.gantry.control.server.patch.PatchFixtures.deployment;
import static io.gantry.control.server.patch.PatchFixtures.directiveKeys;
import static io.gantry.control.server.patch.PatchFixtures.json;
import static io.gantry.control.server.patch.PatchFixtures.object;
import static io.gantry.control.server.patch.PatchFixtures.service;
import static io.gantry.control.server.patch.PatchFixtures.withAnnotations;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The exact strategic merge patch bodies kubectl 1.20 and 1.33 sent (kubectl-api-needs.md §3.7,
 * §3.13), applied to the objects the first {@code kubectl apply -f demo.yaml} created.
 */
class StrategicMergePatchKubectlTest {

  private static ObjectNode smp(ResourceType type, ObjectNode live, ObjectNode patch) throws PatchException {
    ObjectNode liveBefore = live.deepCopy();
    ObjectNode patchBefore = patch.deepCopy();
    ObjectNode result = Patches.apply(PatchType.STRATEGIC_MERGE_PATCH, type, live, patch);
    assertEquals(liveBefore, live, "live must not be modified");
    assertEquals(patchBefore, patch, "patch must not be modified");
    assertEquals(Map.of(), directiveKeys(result), "directives must not reach the result");
    return result;
  }

  @Test
  void demoV2Deployment() throws PatchException {
    ObjectNode patch = withAnnotations("""
        {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":<NEW>}},
         "spec":{"replicas":3,"template":{"spec":{
           "$setElementOrder/containers":[{"name":"web"}],
           "containers":[{"$setElementOrder/env":[{"name":"MODE"}],
                          "$setElementOrder/ports":[{"containerPort":80},{"containerPort":443}],
                          "env":[{"name":"MODE","value":"green"}],"image":"nginx:1.27","name":"web",
                          "ports":[{"containerPort":443}]},
                         {"$patch":"delete","name":"sidecar"}]}}}}""");

    assertEquals(withAnnotations("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"demo","uid":"0b6a4c1e","resourceVersion":"101","generation":1,
           "labels":{"app":"web"},
           "annotations":{"kubectl.kubernetes.io/last-applied-configuration":<NEW>}},
         "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
           "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
           "template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[
               {"name":"web","image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443}],
                "env":[{"name":"MODE","value":"green"}]}]}}},
         "status":{"observedGeneration":1,"replicas":2,"readyReplicas":2}}"""),
        smp(ResourceTypes.DEPLOYMENTS, deployment(), patch));
  }

  @Test
  void demoV3DeploymentRetainKeysAndNulls() throws PatchException {
    ObjectNode patch = withAnnotations("""
        {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":<NEW>},"labels":null},
         "spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"},
                 "template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
                                     "containers":[{"env":null,"name":"web"}]}}}}""");

    assertEquals(withAnnotations("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"demo","uid":"0b6a4c1e","resourceVersion":"101","generation":1,
           "annotations":{"kubectl.kubernetes.io/last-applied-configuration":<NEW>}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
           "strategy":{"type":"Recreate"},
           "template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[
               {"name":"web","image":"nginx:1.25","ports":[{"containerPort":80,"protocol":"TCP"}]},
               {"name":"sidecar","image":"busybox:1.36","command":["sh","-c","sleep 3600"]}]}}},
         "status":{"observedGeneration":1,"replicas":2,"readyReplicas":2}}"""),
        smp(ResourceTypes.DEPLOYMENTS, deployment(), patch));
  }

  @Test
  void kubectlSetImage() throws PatchException {
    ObjectNode patch = object("""
        {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
                                     "containers":[{"image":"nginx:1.28","name":"web"}]}}}}""");

    ObjectNode expected = deployment();
    ((ObjectNode) expected.at("/spec/template/spec/containers/0")).put("image", "nginx:1.28");
    assertEquals(expected, smp(ResourceTypes.DEPLOYMENTS, deployment(), patch));
  }

  @Test
  void demoV2ServiceAddsSecondPort() throws PatchException {
    ObjectNode patch = withAnnotations("""
        {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":<NEW>}},
         "spec":{"$setElementOrder/ports":[{"port":80},{"port":443}],
                 "ports":[{"name":"https","port":443,"targetPort":443}]}}""");

    assertEquals(withAnnotations("""
        {"apiVersion":"v1","kind":"Service",
         "metadata":{"name":"web","namespace":"demo","resourceVersion":"102",
           "annotations":{"kubectl.kubernetes.io/last-applied-configuration":<NEW>}},
         "spec":{"type":"NodePort","selector":{"app":"web"},"clusterIP":"10.96.0.12","clusterIPs":["10.96.0.12"],
           "ports":[{"name":"http","port":80,"targetPort":80,"protocol":"TCP","nodePort":30080},
                    {"name":"https","port":443,"targetPort":443}]}}"""),
        smp(ResourceTypes.SERVICES, service(), patch));
  }

  @Test
  void demoV3ServiceToClusterIpKeepsNodePortForTheCallerToDrop() throws PatchException {
    ObjectNode patch = withAnnotations("""
        {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":<NEW>}},
         "spec":{"$setElementOrder/ports":[{"port":80}],"ports":[{"port":80,"targetPort":8080}],"type":"ClusterIP"}}""");

    assertEquals(withAnnotations("""
        {"apiVersion":"v1","kind":"Service",
         "metadata":{"name":"web","namespace":"demo","resourceVersion":"102",
           "annotations":{"kubectl.kubernetes.io/last-applied-configuration":<NEW>}},
         "spec":{"type":"ClusterIP","selector":{"app":"web"},"clusterIP":"10.96.0.12","clusterIPs":["10.96.0.12"],
           "ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP","nodePort":30080}]}}"""),
        smp(ResourceTypes.SERVICES, service(), patch));
  }

  @Test
  void demoV2NamespaceLabel() throws PatchException {
    ObjectNode live = withAnnotations("""
        {"apiVersion":"v1","kind":"Namespace",
         "metadata":{"name":"demo","resourceVersion":"100","annotations":{"kubectl.kubernetes.io/last-applied-configuration":<OLD>}},
         "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}""");
    ObjectNode patch = withAnnotations("""
        {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":<NEW>},"labels":{"team":"net"}}}""");

    assertEquals(withAnnotations("""
        {"apiVersion":"v1","kind":"Namespace",
         "metadata":{"name":"demo","resourceVersion":"100","labels":{"team":"net"},
           "annotations":{"kubectl.kubernetes.io/last-applied-configuration":<NEW>}},
         "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}"""),
        smp(ResourceTypes.NAMESPACES, live, patch));
  }

  private static ObjectNode ingress(String rules) {
    return object("""
        {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"web","namespace":"demo"},
         "spec":{"ingressClassName":"gantry","rules":%s}}""".formatted(rules));
  }

  @Test
  void demoV2IngressRulesReplacedWhole() throws PatchException {
    String oneRule = """
        [{"host":"web.demo","http":{"paths":[
          {"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]""";
    String newRules = """
        [{"host":"web.demo","http":{"paths":[
          {"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}},
          {"path":"/api","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":443}}}}]}}]""";

    assertEquals(ingress(newRules), smp(ResourceTypes.INGRESSES, ingress(oneRule),
        object("{\"spec\":{\"rules\":" + newRules + "}}")));
    assertEquals(ingress("[]"), smp(ResourceTypes.INGRESSES, ingress(oneRule), object("{\"spec\":{\"rules\":[]}}")));
  }

  private static ObjectNode networkPolicy(String ingress) {
    return object("""
        {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"web","namespace":"demo"},
         "spec":{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Ingress"]%s}}"""
        .formatted(ingress == null ? "" : ",\"ingress\":" + ingress));
  }

  @Test
  void demoV2NetworkPolicyIngressReplacedWholeAndV3Removes() throws PatchException {
    String before = """
        [{"from":[{"podSelector":{"matchLabels":{"role":"frontend"}}}],"ports":[{"protocol":"TCP","port":80}]}]""";
    String after = """
        [{"from":[{"podSelector":{"matchLabels":{"role":"frontend"}}},
                  {"namespaceSelector":{"matchLabels":{"team":"net"}}}],"ports":[{"protocol":"TCP","port":80}]}]""";

    assertEquals(networkPolicy(after), smp(ResourceTypes.NETWORKPOLICIES, networkPolicy(before),
        object("{\"spec\":{\"ingress\":" + after + "}}")));
    assertEquals(networkPolicy(null), smp(ResourceTypes.NETWORKPOLICIES, networkPolicy(before),
        object("{\"spec\":{\"ingress\":null}}")));
  }

  @Test
  void kubectlPatchScalesAndResourceVersionPassesThrough() throws PatchException {
    JsonNode result = smp(ResourceTypes.DEPLOYMENTS, deployment(),
        object("{\"metadata\":{\"resourceVersion\":\"99\"},\"spec\":{\"replicas\":5}}"));
    assertEquals(json("\"99\""), result.at("/metadata/resourceVersion"));
    assertEquals(json("5"), result.at("/spec/replicas"));
  }
}
