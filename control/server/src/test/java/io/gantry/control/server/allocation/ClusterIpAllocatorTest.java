package io.gantry.control.server.allocation;

import static io.gantry.control.server.allocation.AllocationFixture.json;
import static io.gantry.control.server.allocation.AllocationFixture.service;
import static io.gantry.control.server.allocation.AllocationFixture.text;
import static io.gantry.control.server.allocation.AllocationFixture.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterIpAllocatorTest {

  private static final String WEB = "{\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80}]}";

  @TempDir
  Path dir;
  private AllocationFixture f;

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void createAllocatesFromTheUpperBandAndFillsFamilies() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode created = f.createService("web", WEB);

    String ip = text(created, "/spec/clusterIP");
    long address = Ipv4Cidr.parseAddress(ip);
    // 127.96.0.0/16: the first 256 addresses after the network address are kept for explicit requests
    assertTrue(address >= Ipv4Cidr.parseAddress("127.96.1.1") && address <= Ipv4Cidr.parseAddress("127.96.255.254"), ip);
    assertEquals(tree("[\"" + ip + "\"]"), created.at("/spec/clusterIPs"));
    assertEquals(tree("[\"IPv4\"]"), created.at("/spec/ipFamilies"));
    assertEquals("SingleStack", text(created, "/spec/ipFamilyPolicy"));
    assertEquals(List.of(ip), f.reserved(f.allocators.clusterIps().pool()));
    String owner = f.owner(f.allocators.clusterIps().pool(), ip);
    assertTrue(owner.contains(text(created, "/metadata/uid")), owner);
    assertEquals(created, f.getService("web"));
  }

  @Test
  void explicitAddressIsHonouredAndAConflictIsRefusedInKubernetesWords() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode a = f.createService("a", "{\"clusterIP\":\"127.96.0.10\",\"ports\":[{\"port\":80}]}");
    assertEquals("127.96.0.10", text(a, "/spec/clusterIP"));
    assertEquals(tree("[\"127.96.0.10\"]"), a.at("/spec/clusterIPs"));

    ApiException e = assertThrows(ApiException.class,
        () -> f.createService("web", "{\"clusterIP\":\"127.96.0.10\",\"clusterIPs\":[\"127.96.0.10\"],"
            + "\"ports\":[{\"port\":80}]}"));
    assertEquals(422, e.code());
    assertEquals("Invalid", e.reason());
    assertEquals("Service \"web\" is invalid: spec.clusterIPs: Invalid value: []string{\"127.96.0.10\"}: "
        + "failed to allocate IP 127.96.0.10: provided IP is already allocated", e.getMessage());
    assertEquals("spec.clusterIPs", e.toStatus().at("/details/causes/0/field").asText());
    assertTrue(f.registry.find(ResourceTypes.SERVICES, "demo", "web").isEmpty());
  }

  @Test
  void addressesOutsideTheRangeAndItsNetworkAddressAreRefused() throws ApiException {
    f = AllocationFixture.open(dir);
    for (String ip : new String[] {"10.0.0.1", "127.96.0.0", "127.96.255.255"}) {
      ApiException e = assertThrows(ApiException.class,
          () -> f.createService("web", "{\"clusterIP\":\"" + ip + "\",\"ports\":[{\"port\":80}]}"));
      assertEquals(422, e.code());
      assertEquals("Service \"web\" is invalid: spec.clusterIPs: Invalid value: []string{\"" + ip + "\"}: "
          + "failed to allocate IP " + ip + ": the provided IP (" + ip + ") is not in the valid range. "
          + "The range of valid IPs is 127.96.0.0/16", e.getMessage());
    }
    assertEquals(List.of(), f.reserved(f.allocators.clusterIps().pool()));
  }

  @Test
  void headlessAndExternalNameServicesGetNoAddress() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode headless = f.createService("db", "{\"clusterIP\":\"None\",\"selector\":{\"app\":\"db\"},"
        + "\"ports\":[{\"port\":5432}]}");
    assertEquals("None", text(headless, "/spec/clusterIP"));
    assertEquals(tree("[\"None\"]"), headless.at("/spec/clusterIPs"));
    assertEquals("SingleStack", text(headless, "/spec/ipFamilyPolicy"));
    assertEquals(tree("[\"IPv4\"]"), headless.at("/spec/ipFamilies"));

    ObjectNode selectorless = f.createService("peers", "{\"clusterIP\":\"None\"}");
    assertEquals("RequireDualStack", text(selectorless, "/spec/ipFamilyPolicy"));
    assertEquals(tree("[\"IPv4\",\"IPv6\"]"), selectorless.at("/spec/ipFamilies"));

    // initIPFamilyFields' special case: the other family is added to the one named, whatever the cluster has
    assertEquals(tree("[\"IPv6\",\"IPv4\"]"),
        f.createService("v6", "{\"clusterIP\":\"None\",\"ipFamilies\":[\"IPv6\"]}").at("/spec/ipFamilies"));
    ObjectNode prefer = f.createService("v4", "{\"clusterIP\":\"None\",\"ipFamilyPolicy\":\"PreferDualStack\","
        + "\"ipFamilies\":[\"IPv4\"]}");
    assertEquals(tree("[\"IPv4\",\"IPv6\"]"), prefer.at("/spec/ipFamilies"));
    assertEquals("PreferDualStack", text(prefer, "/spec/ipFamilyPolicy"));
    assertEquals(tree("[\"IPv4\"]"), f.createService("single", "{\"clusterIP\":\"None\","
        + "\"ipFamilyPolicy\":\"SingleStack\"}").at("/spec/ipFamilies"));

    ObjectNode external = f.createService("ext", "{\"type\":\"ExternalName\",\"externalName\":\"example.com\"}");
    assertTrue(external.at("/spec/clusterIP").isMissingNode());
    assertTrue(external.at("/spec/ipFamilies").isMissingNode());
    assertEquals(List.of(), f.reserved(f.allocators.clusterIps().pool()));
  }

  @Test
  void deleteReleasesTheAddress() throws ApiException {
    f = AllocationFixture.open(dir);
    String ip = text(f.createService("a", WEB), "/spec/clusterIP");
    f.deleteService("a");
    assertEquals(List.of(), f.reserved(f.allocators.clusterIps().pool()));
    ObjectNode b = f.createService("b", "{\"clusterIP\":\"" + ip + "\",\"ports\":[{\"port\":80}]}");
    assertEquals(ip, text(b, "/spec/clusterIP"));
  }

  @Test
  void changingToExternalNameReleasesAndChangingBackAllocatesAgain() throws ApiException {
    f = AllocationFixture.open(dir);
    f.createService("web", WEB);
    // kubectl apply of an ExternalName manifest: the patch leaves the allocated fields in place
    ObjectNode external = f.registry.patch(ResourceTypes.SERVICES, "demo", "web", PatchType.STRATEGIC_MERGE_PATCH,
        json("{\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"example.com\",\"selector\":null,"
            + "\"ports\":null}}"), null).object();
    assertTrue(external.at("/spec/clusterIP").isMissingNode(), external.toString());
    assertTrue(external.at("/spec/clusterIPs").isMissingNode());
    assertTrue(external.at("/spec/ipFamilyPolicy").isMissingNode());
    assertEquals(List.of(), f.reserved(f.allocators.clusterIps().pool()));

    ObjectNode back = f.registry.patch(ResourceTypes.SERVICES, "demo", "web", PatchType.MERGE_PATCH,
        json("{\"spec\":{\"type\":\"ClusterIP\",\"externalName\":null,\"ports\":[{\"port\":80}]}}"), null).object();
    String ip = text(back, "/spec/clusterIP");
    assertFalse(ip.isEmpty());
    assertEquals(List.of(ip), f.reserved(f.allocators.clusterIps().pool()));
  }

  /** e2e "change the type from ClusterIP to ExternalName": a PUT that clears only clusterIP clears clusterIPs too. */
  @Test
  void aPutToExternalNameThatClearsOnlyClusterIPIsAccepted() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode put = f.createService("web", WEB).deepCopy();
    ObjectNode spec = (ObjectNode) put.get("spec");
    spec.put("type", "ExternalName").put("externalName", "foo.example.com").put("clusterIP", "");
    ObjectNode external = f.registry.update(ResourceTypes.SERVICES, "demo", "web", put, null);
    assertTrue(external.at("/spec/clusterIPs").isMissingNode(), external.toString());
    assertTrue(external.at("/spec/ipFamilies").isMissingNode(), external.toString());
    assertEquals(List.of(), f.reserved(f.allocators.clusterIps().pool()));
  }

  @Test
  void anUpdateThatLeavesTheAddressOutKeepsIt() throws ApiException {
    f = AllocationFixture.open(dir);
    ObjectNode created = f.createService("web", WEB);
    String ip = text(created, "/spec/clusterIP");
    long revision = f.store.currentRevision();

    // PUT of the original manifest: no clusterIP, no clusterIPs, no families. Nothing changes.
    ObjectNode same = f.registry.update(ResourceTypes.SERVICES, "demo", "web", service("web", WEB), null);
    assertEquals(created, same);
    assertEquals(revision, f.store.currentRevision());

    // PUT of a changed manifest: a new revision, the same address
    ObjectNode changed = f.registry.update(ResourceTypes.SERVICES, "demo", "web",
        service("web", "{\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":8080}]}"), null);
    assertEquals(ip, text(changed, "/spec/clusterIP"));
    assertEquals(tree("[\"" + ip + "\"]"), changed.at("/spec/clusterIPs"));
    assertEquals(8080, changed.at("/spec/ports/0/port").asInt());
    assertEquals(List.of(ip), f.reserved(f.allocators.clusterIps().pool()));
  }

  @Test
  void anExplicitChangeIsRefused() throws ApiException {
    f = AllocationFixture.open(dir);
    String ip = text(f.createService("web", WEB), "/spec/clusterIP");
    ApiException e = assertThrows(ApiException.class, () -> f.registry.update(ResourceTypes.SERVICES, "demo", "web",
        service("web", "{\"clusterIP\":\"127.96.0.20\",\"ports\":[{\"port\":80}]}"), null));
    assertEquals(422, e.code());
    assertEquals(List.of(ip), f.reserved(f.allocators.clusterIps().pool()));
  }

  @Test
  void aTinyRangeRunsOutWithKubernetesMessageAndRefillsAfterDelete() throws ApiException {
    f = AllocationFixture.open(dir, b -> b.serviceCidr("127.96.0.0/29"));
    Set<String> ips = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      ips.add(text(f.createService("s" + i, WEB), "/spec/clusterIP"));
    }
    assertEquals(Set.of("127.96.0.1", "127.96.0.2", "127.96.0.3", "127.96.0.4", "127.96.0.5", "127.96.0.6"), ips);

    ApiException e = assertThrows(ApiException.class, () -> f.createService("s6", WEB));
    assertEquals(500, e.code());
    assertEquals("InternalError", e.reason());
    assertEquals("Internal error occurred: failed to allocate a serviceIP: range is full", e.getMessage());
    assertTrue(f.registry.find(ResourceTypes.SERVICES, "demo", "s6").isEmpty());

    String freed = text(f.getService("s3"), "/spec/clusterIP");
    f.deleteService("s3");
    assertEquals(freed, text(f.createService("s6", WEB), "/spec/clusterIP"));
  }

  @Test
  void dualStackRequestsAreRefusedOnThisSingleStackCluster() throws ApiException {
    f = AllocationFixture.open(dir);
    ApiException e = assertThrows(ApiException.class, () -> f.createService("web",
        "{\"ipFamilyPolicy\":\"RequireDualStack\",\"ports\":[{\"port\":80}]}"));
    assertEquals("Service \"web\" is invalid: spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": "
        + "this cluster is not configured for dual-stack services", e.getMessage());
    ApiException v6 = assertThrows(ApiException.class, () -> f.createService("web",
        "{\"ipFamilies\":[\"IPv6\"],\"ports\":[{\"port\":80}]}"));
    assertEquals("Service \"web\" is invalid: spec.ipFamilies[0]: Invalid value: \"IPv6\": "
        + "not configured on this cluster", v6.getMessage());
    // the policy is checked before the families, for headless Services without a selector too
    for (String clusterIp : new String[] {"", "\"clusterIP\":\"None\","}) {
      ApiException single = assertThrows(ApiException.class, () -> f.createService("web", "{" + clusterIp
          + "\"ipFamilyPolicy\":\"SingleStack\",\"ipFamilies\":[\"IPv4\",\"IPv6\"],\"ports\":[{\"port\":80}]}"));
      assertEquals("Service \"web\" is invalid: spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be"
          + " 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified", single.getMessage());
    }
    // a headless Service with a selector is held to the cluster's families
    ApiException headlessV6 = assertThrows(ApiException.class, () -> f.createService("db",
        "{\"clusterIP\":\"None\",\"selector\":{\"app\":\"db\"},\"ipFamilies\":[\"IPv6\"]}"));
    assertEquals("Service \"db\" is invalid: spec.ipFamilies[0]: Invalid value: \"IPv6\": "
        + "not configured on this cluster", headlessV6.getMessage());
    ObjectNode prefer = f.createService("web", "{\"ipFamilyPolicy\":\"PreferDualStack\",\"ports\":[{\"port\":80}]}");
    assertEquals(tree("[\"IPv4\"]"), prefer.at("/spec/ipFamilies"));
    assertNotEquals("", text(prefer, "/spec/clusterIP"));
  }
}
