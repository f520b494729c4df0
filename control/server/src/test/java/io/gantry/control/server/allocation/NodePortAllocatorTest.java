package io.gantry.control.server.allocation;

import static io.gantry.control.server.allocation.AllocationFixture.json;
import static io.gantry.control.server.allocation.AllocationFixture.service;
import static io.gantry.control.server.allocation.AllocationFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodePortAllocatorTest {

  private static final String NODE_PORT = "{\"type\":\"NodePort\",\"selector\":{\"app\":\"web\"},"
      + "\"ports\":[{\"name\":\"http\",\"port\":80}]}";

  @TempDir
  Path dir;
  private AllocationFixture f;

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  private List<String> reserved() {
    return f.reserved(f.allocators.nodePorts().pool());
  }

  private ObjectNode patch(String name, PatchType type, String body) throws ApiException {
    return f.registry.patch(ResourceTypes.SERVICES, "demo", name, type, json(body), null).object();
  }

  @Test
  void nodePortServicesGetAPortFromTheUpperBand() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode created = f.createService("web", NODE_PORT);
    int port = created.at("/spec/ports/0/nodePort").asInt();
    // 30000-32767 keeps its first 86 ports for explicit requests
    assertTrue(port >= 30086 && port <= 32767, Integer.toString(port));
    assertEquals(List.of(Integer.toString(port)), reserved());
    assertEquals("Cluster", text(created, "/spec/externalTrafficPolicy"));
    assertTrue(created.at("/spec/healthCheckNodePort").isMissingNode());
  }

  @Test
  void clusterIpServicesGetNone() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode created = f.createService("web", "{\"ports\":[{\"port\":80}]}");
    assertTrue(created.at("/spec/ports/0/nodePort").isMissingNode());
    assertEquals(List.of(), reserved());
  }

  @Test
  void explicitPortsAreHonouredAndConflictsRefusedInKubernetesWords() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode a = f.createService("a", "{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30080}]}");
    assertEquals(30080, a.at("/spec/ports/0/nodePort").asInt());

    ApiException taken = assertThrows(ApiException.class, () -> f.createService("b",
        "{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30080}]}"));
    assertEquals(422, taken.code());
    assertEquals("Service \"b\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: "
        + "provided port is already allocated", taken.getMessage());

    ApiException range = assertThrows(ApiException.class, () -> f.createService("b",
        "{\"type\":\"NodePort\",\"ports\":[{\"name\":\"a\",\"port\":80},{\"name\":\"b\",\"port\":81,\"nodePort\":8080}]}"));
    assertEquals(422, range.code());
    assertEquals("Service \"b\" is invalid: spec.ports[1].nodePort: Invalid value: 8080: "
        + "provided port is not in the valid range. The range of valid ports is 30000-32767", range.getMessage());
    assertEquals(List.of("30080"), reserved());
  }

  @Test
  void portsWithTheSameNumberShareOneNodePortAsUpstream() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode dns = f.createService("dns", "{\"type\":\"NodePort\",\"ports\":["
        + "{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\"},{\"name\":\"dns-tcp\",\"port\":53,\"protocol\":\"TCP\"}]}");
    int udp = dns.at("/spec/ports/0/nodePort").asInt();
    assertEquals(udp, dns.at("/spec/ports/1/nodePort").asInt());
    assertEquals(List.of(Integer.toString(udp)), reserved());
  }

  @Test
  void updatesKeepOmittedPortsByNameAndReleaseRemovedOnes() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode created = f.createService("web", NODE_PORT);
    int http = created.at("/spec/ports/0/nodePort").asInt();

    // PUT of the original manifest keeps the allocated port and writes nothing
    long revision = f.store.currentRevision();
    assertEquals(created, f.registry.update(ResourceTypes.SERVICES, "demo", "web", service("web", NODE_PORT), null));
    assertEquals(revision, f.store.currentRevision());

    // a second port: the first keeps its node port (matched by name), the second gets one
    ObjectNode two = f.registry.update(ResourceTypes.SERVICES, "demo", "web", service("web",
        "{\"type\":\"NodePort\",\"ports\":[{\"name\":\"http\",\"port\":8080},{\"name\":\"https\",\"port\":443}]}"), null);
    assertEquals(http, two.at("/spec/ports/0/nodePort").asInt());
    int https = two.at("/spec/ports/1/nodePort").asInt();
    assertNotEquals(0, https);
    assertEquals(2, reserved().size());

    // dropping the first port releases its node port
    ObjectNode one = f.registry.update(ResourceTypes.SERVICES, "demo", "web", service("web",
        "{\"type\":\"NodePort\",\"ports\":[{\"name\":\"https\",\"port\":443}]}"), null);
    assertEquals(https, one.at("/spec/ports/0/nodePort").asInt());
    assertEquals(List.of(Integer.toString(https)), reserved());
  }

  @Test
  void changingToClusterIpDropsAndReleasesThePorts() throws ApiException {
    f = AllocationFixture.open(dir);
    f.createService("web", NODE_PORT);
    // kubectl apply of the manifest with type ClusterIP: the patch leaves nodePort and externalTrafficPolicy
    ObjectNode clusterIp = patch("web", PatchType.STRATEGIC_MERGE_PATCH, "{\"spec\":{\"type\":\"ClusterIP\"}}");
    assertTrue(clusterIp.at("/spec/ports/0/nodePort").isMissingNode(), clusterIp.toString());
    assertTrue(clusterIp.at("/spec/externalTrafficPolicy").isMissingNode());
    assertEquals(List.of(), reserved());

    ObjectNode again = patch("web", PatchType.STRATEGIC_MERGE_PATCH, "{\"spec\":{\"type\":\"NodePort\"}}");
    assertEquals(List.of(again.at("/spec/ports/0/nodePort").asText()), reserved());
  }

  @Test
  void deleteReleasesAllPorts() throws ApiException {
    f = AllocationFixture.open(dir);
    f.createService("lb", "{\"type\":\"LoadBalancer\",\"externalTrafficPolicy\":\"Local\","
        + "\"ports\":[{\"name\":\"a\",\"port\":80},{\"name\":\"b\",\"port\":81}]}");
    assertEquals(3, reserved().size());
    f.deleteService("lb");
    assertEquals(List.of(), reserved());
  }

  @Test
  void loadBalancersCanOptOutOfNodePorts() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode lb = f.createService("lb", "{\"type\":\"LoadBalancer\",\"allocateLoadBalancerNodePorts\":false,"
        + "\"ports\":[{\"port\":80}]}");
    assertTrue(lb.at("/spec/ports/0/nodePort").isMissingNode());
    ObjectNode defaulted = f.createService("lb2", "{\"type\":\"LoadBalancer\",\"ports\":[{\"port\":80}]}");
    assertTrue(defaulted.at("/spec/allocateLoadBalancerNodePorts").asBoolean());
    assertEquals(List.of(defaulted.at("/spec/ports/0/nodePort").asText()), reserved());
  }

  @Test
  void healthCheckPortFollowsTheTrafficPolicy() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode local = f.createService("lb", "{\"type\":\"LoadBalancer\",\"externalTrafficPolicy\":\"Local\","
        + "\"ports\":[{\"port\":80}]}");
    int hc = local.at("/spec/healthCheckNodePort").asInt();
    int nodePort = local.at("/spec/ports/0/nodePort").asInt();
    assertTrue(hc >= 30000 && hc <= 32767 && hc != nodePort, hc + " " + nodePort);
    assertEquals(2, reserved().size());

    ObjectNode cluster = patch("lb", PatchType.STRATEGIC_MERGE_PATCH, "{\"spec\":{\"externalTrafficPolicy\":\"Cluster\"}}");
    assertTrue(cluster.at("/spec/healthCheckNodePort").isMissingNode(), cluster.toString());
    assertEquals(List.of(Integer.toString(nodePort)), reserved());
  }

  @Test
  void explicitHealthCheckPortIsHonouredAndAConflictIsAnInternalErrorAsUpstream() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode lb = f.createService("lb", "{\"type\":\"LoadBalancer\",\"externalTrafficPolicy\":\"Local\","
        + "\"healthCheckNodePort\":30100,\"ports\":[{\"port\":80,\"nodePort\":30101}]}");
    assertEquals(30100, lb.at("/spec/healthCheckNodePort").asInt());
    ApiException e = assertThrows(ApiException.class, () -> f.createService("lb2", "{\"type\":\"LoadBalancer\","
        + "\"externalTrafficPolicy\":\"Local\",\"healthCheckNodePort\":30101,\"ports\":[{\"port\":80}]}"));
    assertEquals(500, e.code());
    assertEquals("Internal error occurred: failed to allocate requested HealthCheck NodePort 30101: "
        + "provided port is already allocated", e.getMessage());
    ApiException invalid = assertThrows(ApiException.class, () -> f.createService("np", "{\"type\":\"NodePort\","
        + "\"healthCheckNodePort\":30200,\"ports\":[{\"port\":80}]}"));
    assertEquals(422, invalid.code());
    assertEquals("Service \"np\" is invalid: spec.healthCheckNodePort: Invalid value: 30200: may only be set when "
        + "`type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'", invalid.getMessage());
    assertEquals(List.of("30100", "30101"), reserved());
  }

  @Test
  void theHealthCheckPortOfALocalLoadBalancerCannotBeChanged() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode lb = f.createService("lb", "{\"type\":\"LoadBalancer\",\"externalTrafficPolicy\":\"Local\","
        + "\"ports\":[{\"port\":80}]}");
    int hc = lb.at("/spec/healthCheckNodePort").asInt();
    ObjectNode changed = lb.deepCopy();
    ((ObjectNode) changed.get("spec")).put("healthCheckNodePort", hc == 32000 ? 32001 : 32000);
    ApiException e = assertThrows(ApiException.class,
        () -> f.registry.update(ResourceTypes.SERVICES, "demo", "lb", changed, null));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().endsWith("spec.healthCheckNodePort: Forbidden: field is immutable"), e.getMessage());
  }

  @Test
  void aTinyRangeRunsOutWithKubernetesMessage() throws ApiException {
    f = AllocationFixture.open(dir, b -> b.nodePortRange(30000, 30002));
    for (int i = 0; i < 3; i++) {
      f.createService("s" + i, NODE_PORT);
    }
    assertEquals(List.of("30000", "30001", "30002"), reserved());
    ApiException e = assertThrows(ApiException.class, () -> f.createService("s3", NODE_PORT));
    assertEquals(500, e.code());
    assertEquals("Internal error occurred: failed to allocate a nodePort: range is full", e.getMessage());
    // the ClusterIP the failed write would have taken was not kept either
    assertEquals(3, f.reserved(f.allocators.clusterIps().pool()).size());
  }
}
