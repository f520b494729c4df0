package io.gantry.control.server.controller.endpoints;

import static io.gantry.control.server.controller.endpoints.EndpointsFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's pod rules: port lookup, membership, hostnames. */
class PodEndpointsTest {

  private static final ObjectNode POD = json("{\"metadata\":{\"name\":\"p\",\"namespace\":\"demo\"},"
      + "\"spec\":{\"hostname\":\"h\",\"subdomain\":\"web\",\"containers\":[{\"name\":\"c\",\"ports\":["
      + "{\"name\":\"web\",\"containerPort\":8080},{\"name\":\"dns\",\"containerPort\":5353,\"protocol\":\"UDP\"}]}],"
      + "\"initContainers\":[{\"name\":\"side\",\"restartPolicy\":\"Always\",\"ports\":[{\"name\":\"metrics\","
      + "\"containerPort\":9100}]},{\"name\":\"init\",\"ports\":[{\"name\":\"setup\",\"containerPort\":1}]}]},"
      + "\"status\":{\"podIP\":\"127.244.0.1\"}}");

  private static Integer find(String servicePort) {
    return PodEndpoints.findPort(POD, json(servicePort));
  }

  @Test
  void namedPortsMatchNameAndProtocol() {
    assertEquals(8080, find("{\"port\":80,\"targetPort\":\"web\"}"));
    assertNull(find("{\"port\":80,\"targetPort\":\"web\",\"protocol\":\"UDP\"}"));
    assertEquals(5353, find("{\"port\":53,\"targetPort\":\"dns\",\"protocol\":\"UDP\"}"));
    assertEquals(9100, find("{\"port\":9,\"targetPort\":\"metrics\"}"), "sidecar init containers count");
    assertNull(find("{\"port\":9,\"targetPort\":\"setup\"}"), "plain init containers do not");
    assertEquals(7000, find("{\"port\":80,\"targetPort\":7000}"));
    assertEquals(80, find("{\"port\":80}"));
  }

  @Test
  void unresolvablePortsAreLeftOutOfTheMapping() {
    ObjectNode service = json("{\"metadata\":{\"name\":\"web\",\"namespace\":\"demo\"},\"spec\":{\"ports\":["
        + "{\"name\":\"a\",\"port\":80,\"targetPort\":\"web\"},{\"name\":\"b\",\"port\":81,\"targetPort\":\"nope\"}]}}");
    assertEquals(List.of(new EndpointPort("a", "TCP", 8080, null)), PodEndpoints.endpointPorts(service, POD));
  }

  @Test
  void membershipAndHostname() {
    assertTrue(PodEndpoints.shouldBeInEndpoints(POD, true), "podIP alone counts");
    ObjectNode failed = POD.deepCopy();
    failed.with("status").put("phase", "Failed");
    assertFalse(PodEndpoints.shouldBeInEndpoints(failed, true));
    ObjectNode terminating = POD.deepCopy();
    terminating.with("metadata").put("deletionTimestamp", "2026-01-02T03:04:05Z");
    assertTrue(PodEndpoints.shouldBeInEndpoints(terminating, true));
    assertFalse(PodEndpoints.shouldBeInEndpoints(terminating, false));
    assertTrue(PodEndpoints.shouldSetHostname(POD, json("{\"metadata\":{\"name\":\"web\",\"namespace\":\"demo\"}}")));
    assertFalse(PodEndpoints.shouldSetHostname(POD, json("{\"metadata\":{\"name\":\"db\",\"namespace\":\"demo\"}}")));
  }

  @Test
  void preferCloseHintsEachEndpointForItsOwnZone() {
    ObjectNode node = json("{\"metadata\":{\"name\":\"n1\",\"labels\":{\"topology.kubernetes.io/zone\":\"z1\"}}}");
    ObjectNode close = json("{\"metadata\":{\"name\":\"web\",\"namespace\":\"demo\"},"
        + "\"spec\":{\"trafficDistribution\":\"PreferClose\"}}");
    assertEquals(json("{\"forZones\":[{\"name\":\"z1\"}]}"),
        PodEndpoints.endpoint(POD, node, close, List.of("127.244.0.1")).get("hints"));

    assertNull(PodEndpoints.endpoint(POD, json("{\"metadata\":{\"name\":\"n2\"}}"), close, List.of("127.244.0.1"))
        .get("hints"), "no zone, no hint");
    assertNull(PodEndpoints.endpoint(POD, node, json("{\"metadata\":{\"name\":\"web\",\"namespace\":\"demo\"}}"),
        List.of("127.244.0.1")).get("hints"), "no trafficDistribution, no hint");
    ObjectNode auto = close.deepCopy();
    auto.with("metadata").with("annotations").put("service.kubernetes.io/topology-mode", "Auto");
    assertNull(PodEndpoints.endpoint(POD, node, auto, List.of("127.244.0.1")).get("hints"),
        "topology-mode Auto takes precedence, and its hints are not computed");
  }
}
