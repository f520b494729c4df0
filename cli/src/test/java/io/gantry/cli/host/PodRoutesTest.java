package io.gantry.cli.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodRoutesTest {

  @Test
  void routesEachNodesPodCidrViaItsUnderlayAddressAndSkipsNodesWithoutEither() throws Exception {
    var nodes = new ObjectMapper().readTree("""
        {"items": [
          {"spec": {"podCIDR": "10.244.1.0/24"},
           "status": {"addresses": [{"type": "Hostname", "address": "node-1"},
                                    {"type": "InternalIP", "address": "10.240.0.11"}]}},
          {"spec": {"podCIDR": "10.244.2.0/24"},
           "status": {"addresses": [{"type": "InternalIP", "address": "10.240.0.12"}]}},
          {"spec": {},
           "status": {"addresses": [{"type": "InternalIP", "address": "10.240.0.13"}]}},
          {"spec": {"podCIDR": "10.244.4.0/24"},
           "status": {"addresses": [{"type": "InternalIP", "address": "127.0.0.14"}]}}
        ]}
        """);
    assertEquals(Map.of("10.244.1.0/24", "10.240.0.11", "10.244.2.0/24", "10.240.0.12"), PodRoutes.podCidrs(nodes));
  }

  @Test
  void aPlanHasOneToTwoHundredNodes() {
    assertEquals("10.240.0.13", HostPlan.nodeAddress(3));
    assertEquals("gantry-node-3", HostPlan.namespace(3));
    assertEquals("nodes: 0 (expected: 1-200 in host mode)",
        assertThrows(IllegalArgumentException.class, () -> new HostPlan(0)).getMessage());
  }
}
