package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeTableTest {

  private static List<Object> cells(String json) {
    return NodeColumns.INSTANCE.cells(object(json), NOW);
  }

  @Test
  void readyControlPlaneNodeWithWideColumns() {
    // 1140 days: HumanDuration counts 365-day years, so the 2024 leap day does not shift it.
    assertEquals(List.of("gantry-node-1", "Ready", "control-plane,worker", "3y45d", "v1.30.2",
            "172.18.0.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "containerd://1.7.13"),
        cells("""
            {"apiVersion": "v1", "kind": "Node",
             "metadata": {"name": "gantry-node-1", "creationTimestamp": "2021-03-18T12:00:00Z",
               "labels": {"kubernetes.io/hostname": "gantry-node-1", "node-role.kubernetes.io/control-plane": "",
                          "kubernetes.io/role": "worker", "node-role.kubernetes.io/": ""}},
             "spec": {"podCIDR": "10.244.0.0/24"},
             "status": {
               "conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}],
               "addresses": [{"type": "InternalIP", "address": "172.18.0.2"}, {"type": "Hostname", "address": "gantry-node-1"}],
               "nodeInfo": {"kubeletVersion": "v1.30.2", "osImage": "Debian GNU/Linux 12 (bookworm)",
                            "kernelVersion": "6.1.0-18-amd64", "containerRuntimeVersion": "containerd://1.7.13"}}}
            """));
  }

  @Test
  void notReadyCordonedNode() {
    assertEquals(List.of("n2", "NotReady,SchedulingDisabled", "<none>"), cells("""
        {"metadata": {"name": "n2"}, "spec": {"unschedulable": true},
         "status": {"conditions": [{"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown"}]}}
        """).subList(0, 3));
  }

  @Test
  void nodeWithoutStatus() {
    assertEquals(List.of("n3", "Unknown", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"),
        cells("""
            {"metadata": {"name": "n3"}}
            """));
  }
}
