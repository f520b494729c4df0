package io.gantry.control.server.allocation;

import static io.gantry.control.server.allocation.AllocationFixture.text;
import static io.gantry.control.server.allocation.AllocationFixture.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesServiceTest {

  // Not loopback: EndpointSlice validation (upstream's ValidateEndpointIP) refuses 127.0.0.0/8 addresses.
  private static final String API_IP = "192.0.2.10";

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
  void ensureCreatesTheServiceAndItsEndpointsOnce() throws ApiException {
    f = AllocationFixture.open(dir);
    f.registry.create(ResourceTypes.NAMESPACES, null, AllocationFixture.json("{\"metadata\":{\"name\":\"default\"}}"));
    assertEquals("127.96.0.1", f.allocators.kubernetesServiceIp());
    KubernetesService.ensure(f.registry, f.allocators.kubernetesServiceIp(), API_IP, 6443);

    ObjectNode service = f.registry.get(ResourceTypes.SERVICES, "default", "kubernetes");
    assertEquals("127.96.0.1", text(service, "/spec/clusterIP"));
    assertEquals("ClusterIP", text(service, "/spec/type"));
    assertTrue(service.at("/spec/selector").isMissingNode());
    assertEquals(tree("[{\"name\":\"https\",\"protocol\":\"TCP\",\"port\":443,\"targetPort\":6443}]"),
        service.at("/spec/ports"));
    assertEquals("apiserver", text(service, "/metadata/labels/component"));
    assertEquals(List.of("127.96.0.1"), f.reserved(f.allocators.clusterIps().pool()));

    ObjectNode endpoints = f.registry.get(ResourceTypes.ENDPOINTS, "default", "kubernetes");
    assertEquals(tree("[{\"addresses\":[{\"ip\":\"192.0.2.10\"}],\"ports\":[{\"name\":\"https\",\"port\":6443,"
        + "\"protocol\":\"TCP\"}]}]"), endpoints.get("subsets"));
    ObjectNode slice = f.registry.get(ResourceTypes.ENDPOINTSLICES, "default", "kubernetes");
    assertEquals("kubernetes", text(slice, "/metadata/labels/kubernetes.io~1service-name"));
    assertEquals("IPv4", text(slice, "/addressType"));
    assertEquals(tree("[{\"addresses\":[\"192.0.2.10\"],\"conditions\":{\"ready\":true}}]"), slice.get("endpoints"));

    long revision = f.store.currentRevision();
    KubernetesService.ensure(f.registry, f.allocators.kubernetesServiceIp(), API_IP, 6443);
    assertEquals(revision, f.store.currentRevision());
  }

  @Test
  void aNewApiPortIsWrittenThrough() throws ApiException {
    f = AllocationFixture.open(dir);
    f.registry.create(ResourceTypes.NAMESPACES, null, AllocationFixture.json("{\"metadata\":{\"name\":\"default\"}}"));
    KubernetesService.ensure(f.registry, f.allocators.kubernetesServiceIp(), API_IP, 6443);
    KubernetesService.ensure(f.registry, f.allocators.kubernetesServiceIp(), API_IP, 7443);
    assertEquals(7443, f.registry.get(ResourceTypes.SERVICES, "default", "kubernetes")
        .at("/spec/ports/0/targetPort").asInt());
    assertEquals("127.96.0.1", text(f.registry.get(ResourceTypes.SERVICES, "default", "kubernetes"), "/spec/clusterIP"));
    assertEquals(7443, f.registry.get(ResourceTypes.ENDPOINTS, "default", "kubernetes")
        .at("/subsets/0/ports/0/port").asInt());
    assertEquals(7443, f.registry.get(ResourceTypes.ENDPOINTSLICES, "default", "kubernetes")
        .at("/ports/0/port").asInt());
  }
}
