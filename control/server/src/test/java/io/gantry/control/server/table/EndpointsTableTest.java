package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Endpoints and EndpointSlices. */
class EndpointsTableTest {

  private static String endpoints(String json) {
    return (String) EndpointsColumns.INSTANCE.cells(object(json), NOW).get(1);
  }

  private static List<Object> slice(String json) {
    return EndpointSliceColumns.INSTANCE.cells(object(json), NOW);
  }

  @Test
  void twoAddressesOnePort() {
    assertEquals(List.of("web", "10.244.0.12:8080,10.244.0.13:8080", "45s"), EndpointsColumns.INSTANCE.cells(object("""
        {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web", "creationTimestamp": "2024-05-01T11:59:15Z"},
         "subsets": [{"addresses": [{"ip": "10.244.0.12"}, {"ip": "10.244.0.13"}], "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]}
        """), NOW));
  }

  @Test
  void moreThanThreeAcrossPorts() {
    // As in a kube-dns listing: 2 addresses x 3 ports = 6 endpoints, of which 3 are shown.
    assertEquals("10.1.0.20:53,10.1.0.21:53,10.1.0.20:53 + 3 more...", endpoints("""
        {"metadata": {"name": "kube-dns"},
         "subsets": [{"addresses": [{"ip": "10.1.0.20"}, {"ip": "10.1.0.21"}],
                      "ports": [{"name": "dns", "port": 53, "protocol": "UDP"}, {"name": "dns-tcp", "port": 53},
                                {"name": "metrics", "port": 9153}]}]}
        """));
  }

  @Test
  void noneHeadlessAndIpv6() {
    assertEquals("<none>", endpoints("""
        {"metadata": {"name": "empty"}}
        """));
    assertEquals("10.0.0.1,10.0.0.2", endpoints("""
        {"metadata": {"name": "headless"}, "subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}]}]}
        """));
    assertEquals("[fd00::1]:80", endpoints("""
        {"metadata": {"name": "v6"}, "subsets": [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 80}]}]}
        """));
  }

  @Test
  void endpointSlice() {
    assertEquals(List.of("web-abc12", "IPv4", "80,443", "10.244.0.12,10.244.0.13,10.244.0.14 + 1 more...", "3h"),
        slice("""
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": "web-abc12", "creationTimestamp": "2024-05-01T09:00:00Z",
                          "labels": {"kubernetes.io/service-name": "web"}},
             "addressType": "IPv4",
             "ports": [{"name": "http", "port": 80, "protocol": "TCP"}, {"name": "https", "port": 443, "protocol": "TCP"}],
             "endpoints": [{"addresses": ["10.244.0.12"], "conditions": {"ready": true}},
                           {"addresses": ["10.244.0.13", "10.244.0.14"]}, {"addresses": ["10.244.0.15"]}]}
            """));
  }

  @Test
  void endpointSliceUnsetAndUnnumberedPorts() {
    assertEquals(List.of("s", "IPv6", "<unset>", "<unset>"), slice("""
        {"metadata": {"name": "s"}, "addressType": "IPv6", "endpoints": []}
        """).subList(0, 4));
    assertEquals("metrics,*", slice("""
        {"metadata": {"name": "s"}, "addressType": "IPv4", "ports": [{"name": "metrics"}, {}]}
        """).get(2));
  }
}
