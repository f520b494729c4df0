package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** StatefulSets, as printStatefulSet prints them. */
class StatefulSetTableTest {

  @Test
  void readyOfDesiredAgeAndWideTheTemplatesContainers() {
    ColumnSet columns = ColumnSets.forType(ResourceTypes.STATEFULSETS);
    assertEquals(List.of("Name", "Ready", "Age", "Containers", "Images"),
        columns.columns().stream().map(Column::name).toList());
    assertEquals(List.of("web", "2/3", "2m", "nginx,sidecar", "nginx:1.27,busybox"), columns.cells(object("""
        {"metadata": {"name": "web", "creationTimestamp": "2024-05-01T11:58:00Z"},
         "spec": {"replicas": 3, "template": {"spec": {"containers": [
           {"name": "nginx", "image": "nginx:1.27"}, {"name": "sidecar", "image": "busybox"}]}}},
         "status": {"replicas": 3, "readyReplicas": 2}}
        """), NOW));
    assertEquals(List.of("db", "0/0", "2m", "", ""), columns.cells(object("""
        {"metadata": {"name": "db", "creationTimestamp": "2024-05-01T11:58:00Z"}, "spec": {"replicas": 0}}
        """), NOW));
  }
}
