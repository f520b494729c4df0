package io.gantry.control.server.allocation;

import static io.gantry.control.server.allocation.AllocationFixture.json;
import static io.gantry.control.server.allocation.AllocationFixture.text;
import static io.gantry.control.server.allocation.AllocationFixture.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodCidrAllocatorTest {

  @TempDir
  Path dir;
  private AllocationFixture f;

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  private ObjectNode node(String name, String spec) throws ApiException {
    return f.registry.create(ResourceTypes.NODES, null, json("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":"
        + spec + "}"));
  }

  private List<String> reserved() {
    return f.reserved(f.allocators.podCidrs().pool());
  }

  @Test
  void nodesGetTheLowestFreeBlock() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode a = node("a", "{}");
    assertEquals("127.244.0.0/24", text(a, "/spec/podCIDR"));
    assertEquals(tree("[\"127.244.0.0/24\"]"), a.at("/spec/podCIDRs"));
    assertEquals("127.244.1.0/24", text(node("b", "{}"), "/spec/podCIDR"));
    assertEquals(List.of("127.244.0.0-24", "127.244.1.0-24"), reserved());
  }

  @Test
  void explicitBlocksAreHonouredOrRefused() throws ApiException {
    f = AllocationFixture.open(dir);
    assertEquals("127.244.9.0/24", text(node("a", "{\"podCIDR\":\"127.244.9.0/24\"}"), "/spec/podCIDR"));
    ApiException taken = assertThrows(ApiException.class, () -> node("b", "{\"podCIDRs\":[\"127.244.9.0/24\"]}"));
    assertEquals(422, taken.code());
    assertEquals("Node \"b\" is invalid: spec.podCIDR: Invalid value: \"127.244.9.0/24\": failed to allocate CIDR "
        + "127.244.9.0/24: provided CIDR is already allocated", taken.getMessage());
    ApiException misaligned = assertThrows(ApiException.class, () -> node("b", "{\"podCIDR\":\"127.244.8.0/23\"}"));
    assertEquals("Node \"b\" is invalid: spec.podCIDR: Invalid value: \"127.244.8.0/23\": must be a /24 block of "
        + "the cluster pod CIDR 127.244.0.0/16 or lie outside it", misaligned.getMessage());
    // outside the cluster pod CIDR: the operator manages it, nothing is reserved
    assertEquals("10.5.0.0/24", text(node("c", "{\"podCIDR\":\"10.5.0.0/24\"}"), "/spec/podCIDR"));
    assertEquals(List.of("127.244.9.0-24"), reserved());
    assertEquals("127.244.0.0/24", text(node("d", "{}"), "/spec/podCIDR"));
  }

  @Test
  void updatesKeepTheBlockAndMayNotChangeIt() throws ApiException {
    f = AllocationFixture.open(dir);
    node("a", "{}");
    ObjectNode put = f.registry.update(ResourceTypes.NODES, null, "a",
        json("{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"y\"}},\"spec\":{}}"), null);
    assertEquals("127.244.0.0/24", text(put, "/spec/podCIDR"));
    assertEquals(tree("[\"127.244.0.0/24\"]"), put.at("/spec/podCIDRs"));

    ObjectNode status = put.deepCopy();
    status.putObject("status").put("phase", "Running");
    assertEquals("127.244.0.0/24", text(f.registry.update(ResourceTypes.NODES, null, "a", status, "status"),
        "/spec/podCIDR"));

    ApiException e = assertThrows(ApiException.class, () -> f.registry.update(ResourceTypes.NODES, null, "a",
        json("{\"metadata\":{\"name\":\"a\"},\"spec\":{\"podCIDR\":\"127.244.5.0/24\"}}"), null));
    assertEquals(422, e.code());
    assertEquals("Node \"a\" is invalid: spec.podCIDRs: Forbidden: node updates may not change podCIDR except "
        + "from \"\" to valid", e.getMessage());
    assertEquals(List.of("127.244.0.0-24"), reserved());
  }

  @Test
  void deleteReleasesTheBlock() throws ApiException {
    f = AllocationFixture.open(dir);
    node("a", "{}");
    node("b", "{}");
    f.registry.delete(ResourceTypes.NODES, null, "a", DeleteOptions.DEFAULT);
    assertEquals(List.of("127.244.1.0-24"), reserved());
    assertEquals("127.244.0.0/24", text(node("c", "{}"), "/spec/podCIDR"));
  }

  @Test
  void aFullPodCidrLeavesTheNodeWithoutOne() throws ApiException {
    f = AllocationFixture.open(dir, b -> b.podCidr("127.244.0.0/23").nodeCidrMaskSize(24));
    node("a", "{}");
    node("b", "{}");
    ObjectNode c = node("c", "{}");
    assertTrue(c.at("/spec/podCIDR").isMissingNode(), c.toString());
    f.registry.delete(ResourceTypes.NODES, null, "a", DeleteOptions.DEFAULT);
    ObjectNode later = f.registry.update(ResourceTypes.NODES, null, "c",
        json("{\"metadata\":{\"name\":\"c\",\"labels\":{\"retry\":\"1\"}},\"spec\":{}}"), null);
    assertEquals("127.244.0.0/24", text(later, "/spec/podCIDR"));
  }
}
