package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DaemonSets, as printDaemonSet prints them. */
class DaemonSetTableTest {

  @Test
  void countsNodeSelectorAndTheWideColumns() {
    assertEquals(List.of("agent", 3L, 3L, 2L, 1L, 2L, "disk=ssd,kubernetes.io/os=linux", "2m", "agent,sidecar",
        "busybox:1.36,nginx", "app=agent"), DaemonSetColumns.INSTANCE.cells(object("""
            {"apiVersion": "apps/v1", "kind": "DaemonSet",
             "metadata": {"name": "agent", "creationTimestamp": "2024-05-01T11:58:00Z"},
             "spec": {"selector": {"matchLabels": {"app": "agent"}},
               "template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux", "disk": "ssd"},
                 "containers": [{"name": "agent", "image": "busybox:1.36"}, {"name": "sidecar", "image": "nginx"}]}}},
             "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2,
               "updatedNumberScheduled": 1, "numberAvailable": 2}}
            """), NOW));
    assertEquals(List.of("bare", 0L, 0L, 0L, 0L, 0L, "<none>", "2m", "", "", "<none>"),
        DaemonSetColumns.INSTANCE.cells(object("""
            {"metadata": {"name": "bare", "creationTimestamp": "2024-05-01T11:58:00Z"}}
            """), NOW));
    assertEquals(List.of("Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age",
        "Containers", "Images", "Selector"),
        ColumnSets.forType(ResourceTypes.DAEMONSETS).columns().stream().map(Column::name).toList());
  }
}
