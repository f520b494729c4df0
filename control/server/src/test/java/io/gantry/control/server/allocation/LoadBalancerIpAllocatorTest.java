package io.gantry.control.server.allocation;

import static io.gantry.control.server.allocation.AllocationFixture.json;
import static io.gantry.control.server.allocation.AllocationFixture.service;
import static io.gantry.control.server.allocation.AllocationFixture.text;
import static io.gantry.control.server.allocation.AllocationFixture.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

class LoadBalancerIpAllocatorTest {

  private static final String LB = "{\"type\":\"LoadBalancer\",\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80}]}";

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
    return f.reserved(f.allocators.loadBalancers().pool());
  }

  private static String ingressIp(ObjectNode service) {
    return text(service, "/status/loadBalancer/ingress/0/ip");
  }

  @Test
  void loadBalancersGetTheLowestFreeAddressInTheirStatus() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode first = f.createService("a", LB);
    assertEquals(tree("[{\"ip\":\"127.240.0.1\",\"ipMode\":\"VIP\"}]"), first.at("/status/loadBalancer/ingress"));
    assertEquals("127.240.0.2", ingressIp(f.createService("b", LB)));
    assertEquals(List.of("127.240.0.1", "127.240.0.2"), reserved());
    assertEquals(first, f.getService("a"));

    ObjectNode plain = f.createService("c", "{\"ports\":[{\"port\":80}]}");
    assertEquals(json("{\"loadBalancer\":{}}"), plain.get("status"));
  }

  @Test
  void requestedAddressesAreHonouredAndConflictsLeftPending() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode a = f.createService("a", "{\"type\":\"LoadBalancer\",\"loadBalancerIP\":\"127.240.0.50\","
        + "\"ports\":[{\"port\":80}]}");
    assertEquals("127.240.0.50", ingressIp(a));

    ObjectNode annotated = service("b", LB);
    ((ObjectNode) annotated.get("metadata")).putObject("annotations")
        .put(LoadBalancerIpAllocator.METALLB_ANNOTATION, "127.240.0.60");
    assertEquals("127.240.0.60", ingressIp(f.registry.create(ResourceTypes.SERVICES, "demo", annotated)));

    ObjectNode taken = f.createService("c",
        "{\"type\":\"LoadBalancer\",\"loadBalancerIP\":\"127.240.0.50\",\"ports\":[{\"port\":80}]}");
    assertTrue(taken.at("/status/loadBalancer/ingress").isMissingNode(), "a taken address leaves it pending");
    ObjectNode outside = f.createService("d",
        "{\"type\":\"LoadBalancer\",\"loadBalancerIP\":\"127.241.0.1\",\"ports\":[{\"port\":80}]}");
    assertTrue(outside.at("/status/loadBalancer/ingress").isMissingNode(), "an address outside the pool too");
    assertEquals(List.of("127.240.0.50", "127.240.0.60"), reserved());
  }

  @Test
  void changingTheTypeClearsTheStatusAndReleasesAndDeleteReleases() throws ApiException {
    f = AllocationFixture.open(dir);
    f.createService("a", LB);
    f.createService("b", LB);
    ObjectNode clusterIp = f.registry.patch(ResourceTypes.SERVICES, "demo", "a", PatchType.STRATEGIC_MERGE_PATCH,
        json("{\"spec\":{\"type\":\"ClusterIP\"}}"), null).object();
    assertEquals(json("{}"), clusterIp.at("/status/loadBalancer"));
    assertTrue(clusterIp.at("/spec/allocateLoadBalancerNodePorts").isMissingNode());
    assertEquals(List.of("127.240.0.2"), reserved());
    f.deleteService("b");
    assertEquals(List.of(), reserved());
  }

  @Test
  void statusWritesAndSpecUpdatesKeepTheAddress() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode created = f.createService("a", LB);
    ObjectNode status = created.deepCopy();
    status.putObject("status").putObject("loadBalancer").putArray("ingress").addObject().put("ip", "10.1.1.1");
    ObjectNode afterStatus = f.registry.update(ResourceTypes.SERVICES, "demo", "a", status, "status");
    assertEquals("127.240.0.1", ingressIp(afterStatus));

    ObjectNode afterPut = f.registry.update(ResourceTypes.SERVICES, "demo", "a",
        service("a", "{\"type\":\"LoadBalancer\",\"ports\":[{\"port\":8080}]}"), null);
    assertEquals("127.240.0.1", ingressIp(afterPut));
    assertEquals(List.of("127.240.0.1"), reserved());
  }

  @Test
  void anExhaustedPoolLeavesTheServicePendingUntilItsNextWrite() throws ApiException {
    f = AllocationFixture.open(dir, b -> b.loadBalancerPool("127.240.0.0/30"));
    f.createService("a", LB);
    f.createService("b", LB);
    ObjectNode pending = f.createService("c", LB);
    assertTrue(pending.at("/status/loadBalancer/ingress").isMissingNode(), pending.toString());
    assertEquals(List.of("127.240.0.1", "127.240.0.2"), reserved());

    f.deleteService("a");
    ObjectNode retried = f.registry.patch(ResourceTypes.SERVICES, "demo", "c", PatchType.MERGE_PATCH,
        json("{\"metadata\":{\"labels\":{\"retry\":\"1\"}}}"), null).object();
    assertEquals("127.240.0.1", ingressIp(retried));
  }

  @Test
  void servicesWithALoadBalancerClassBelongToAnotherImplementation() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode other = f.createService("a", "{\"type\":\"LoadBalancer\",\"loadBalancerClass\":\"example.com/lb\","
        + "\"ports\":[{\"port\":80}]}");
    assertTrue(other.at("/status/loadBalancer/ingress").isMissingNode());
    assertEquals(List.of(), reserved());
  }
}
