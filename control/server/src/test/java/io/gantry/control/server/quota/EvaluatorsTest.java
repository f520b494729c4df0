package io.gantry.control.server.quota;

import static io.gantry.control.server.quota.QuotaFixtures.NOW;
import static io.gantry.control.server.quota.QuotaFixtures.pod;
import static io.gantry.control.server.quota.QuotaFixtures.pretty;
import static io.gantry.control.server.quota.QuotaFixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each kind of object uses, as upstream's evaluators measure it. */
class EvaluatorsTest {

  private final UsageEvaluator pods = Evaluators.forType(ResourceTypes.PODS).orElseThrow();

  @Test
  void aPodUsesTheSumOfItsContainersOrItsLargestInitContainerPlusOverhead() {
    ObjectNode pod = yaml("""
        metadata: {name: web, namespace: demo}
        spec:
          overhead: {cpu: 10m, memory: 1Mi}
          initContainers:
          - {name: setup, image: busybox, resources: {requests: {cpu: "1", memory: 64Mi}}}
          - {name: sidecar, image: envoy, restartPolicy: Always, resources: {requests: {cpu: 50m}, limits: {cpu: 100m}}}
          containers:
          - {name: a, image: nginx, resources: {requests: {cpu: 200m, memory: 100Mi}, limits: {cpu: 400m, memory: 100Mi}}}
          - {name: b, image: nginx, resources: {requests: {cpu: 300m, memory: 28Mi, example.com/dongle: "2"}}}
        status: {phase: Pending}
        """);
    // requests: cpu max(200m+300m+50m, 1) + 10m; memory max(128Mi, 64Mi) + 1Mi; limits: only where set, plus overhead
    assertEquals("count/pods=1,cpu=1010m,limits.cpu=510m,limits.memory=101Mi,memory=129Mi,pods=1,requests.cpu=1010m,"
        + "requests.example.com/dongle=2,requests.memory=129Mi", pretty(pods.usage(pod, NOW)));
  }

  @Test
  void aPodInATerminalPhaseOrPastItsDeletionGraceCountsOnlyAsAnObject() {
    ObjectNode done = pod("done", "cpu: 100m", "cpu: 100m");
    done.withObjectProperty("status").put("phase", "Succeeded");
    assertEquals("count/pods=1", pretty(pods.usage(done, NOW)));

    ObjectNode leaving = pod("leaving", "cpu: 100m", "cpu: 100m");
    leaving.withObjectProperty("metadata").put("deletionTimestamp", "2024-05-01T11:59:00Z")
        .put("deletionGracePeriodSeconds", 30);
    assertEquals("count/pods=1", pretty(pods.usage(leaving, NOW)));
    leaving.withObjectProperty("metadata").put("deletionGracePeriodSeconds", 120);
    assertEquals("count/pods=1,cpu=100m,limits.cpu=100m,pods=1,requests.cpu=100m", pretty(pods.usage(leaving, NOW)));
  }

  @Test
  void podScopesFollowTheDeadlineQosAndPriorityClass() {
    ObjectNode bestEffort = yaml("metadata: {name: be}\nspec: {containers: [{name: c, image: nginx}],"
        + " activeDeadlineSeconds: 60, priorityClassName: high}");
    ObjectNode burstable = pod("b", "cpu: 100m", "cpu: 200m");
    assertTrue(pods.matchesScope(scope("Terminating", "Exists"), bestEffort));
    assertFalse(pods.matchesScope(scope("NotTerminating", "Exists"), bestEffort));
    assertTrue(pods.matchesScope(scope("NotTerminating", "Exists"), burstable));
    assertTrue(pods.matchesScope(scope("BestEffort", "Exists"), bestEffort));
    assertFalse(pods.matchesScope(scope("BestEffort", "Exists"), burstable));
    assertTrue(pods.matchesScope(scope("NotBestEffort", "Exists"), burstable));
    assertTrue(pods.matchesScope(scope("PriorityClass", "In", "high", "low"), bestEffort));
    assertFalse(pods.matchesScope(scope("PriorityClass", "In", "high"), burstable));
    assertTrue(pods.matchesScope(scope("PriorityClass", "NotIn", "high"), burstable));
    assertTrue(pods.matchesScope(scope("PriorityClass", "DoesNotExist"), burstable));
  }

  @Test
  void aQuotaOnComputeResourcesNeedsEveryContainerToStateThem() {
    ObjectNode pod = yaml("""
        spec:
          initContainers: [{name: init, image: busybox}]
          containers:
          - {name: a, image: nginx, resources: {requests: {cpu: 100m, memory: 1Mi}}}
          - {name: b, image: nginx, resources: {requests: {cpu: 100m}}}
        """);
    assertEquals("must specify cpu for: init; limits.cpu for: a,b,init; memory for: b,init",
        pods.constraintViolation(List.of("pods", "cpu", "memory", "limits.cpu"), pod));
    assertNull(pods.constraintViolation(List.of("pods", "count/pods", "requests.storage"), pod));
  }

  @Test
  void servicesCountTheirLoadBalancersAndNodePorts() {
    UsageEvaluator services = Evaluators.forType(ResourceTypes.SERVICES).orElseThrow();
    assertEquals("count/services=1,services=1,services.loadbalancers=0,services.nodeports=0",
        pretty(services.usage(yaml("spec: {type: ClusterIP, ports: [{port: 80}]}"), NOW)));
    assertEquals("count/services=1,services=1,services.loadbalancers=0,services.nodeports=2",
        pretty(services.usage(yaml("spec: {type: NodePort, ports: [{port: 80}, {port: 443}]}"), NOW)));
    assertEquals("count/services=1,services=1,services.loadbalancers=1,services.nodeports=1",
        pretty(services.usage(yaml("spec: {type: LoadBalancer, ports: [{port: 80}]}"), NOW)));
    assertEquals("count/services=1,services=1,services.loadbalancers=1,services.nodeports=1",
        pretty(services.usage(yaml("spec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false,"
            + " ports: [{port: 80, nodePort: 30001}, {port: 443}]}"), NOW)));
  }

  @Test
  void claimsCountTheirStorageAlsoByClass() {
    UsageEvaluator claims = Evaluators.forType(ResourceTypes.PERSISTENTVOLUMECLAIMS).orElseThrow();
    assertEquals("count/persistentvolumeclaims=1,gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,"
        + "gold.storageclass.storage.k8s.io/requests.storage=2Gi,persistentvolumeclaims=1,requests.storage=2Gi",
        pretty(claims.usage(yaml("spec: {storageClassName: gold, resources: {requests: {storage: 2Gi}}}"), NOW)));
    assertEquals("count/persistentvolumeclaims=1,persistentvolumeclaims=1,requests.storage=5Gi",
        pretty(claims.usage(yaml("spec: {resources: {requests: {storage: 2Gi}}}\n"
            + "status: {allocatedResources: {storage: 5Gi}}"), NOW)), "more allocated than requested counts");
    assertEquals("count/persistentvolumeclaims=1,persistentvolumeclaims=1,requests.storage=2",
        pretty(claims.usage(yaml("spec: {resources: {requests: {storage: 1500m}}}"), NOW)), "whole bytes, rounded up");
    assertEquals(List.of("requests.storage", "gold.storageclass.storage.k8s.io/requests.storage"),
        claims.matchingResources(List.of("pods", "requests.storage", "gold.storageclass.storage.k8s.io/requests.storage")));
  }

  @Test
  void otherKindsCountByExistingWithTheirLegacyNames() {
    UsageEvaluator secrets = Evaluators.forType(ResourceTypes.SECRETS).orElseThrow();
    assertEquals("count/secrets=1,secrets=1", pretty(secrets.usage(yaml("metadata: {name: s}"), NOW)));
    UsageEvaluator deployments = Evaluators.forType(ResourceTypes.DEPLOYMENTS).orElseThrow();
    assertEquals(List.of("count/deployments.apps"),
        deployments.matchingResources(List.of("count/deployments.apps", "deployments", "pods")));
    assertTrue(secrets.handles(false));
    assertFalse(secrets.handles(true), "an update never changes an object count");
    assertTrue(Evaluators.forType(ResourceTypes.EVENTS).isEmpty(), "events are ignored, as upstream configures");
  }

  private static ScopeRequirement scope(String name, String operator, String... values) {
    return new ScopeRequirement(name, operator, List.of(values));
  }
}
