package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ResourceQuotas, as printResourceQuota prints them. */
class ResourceQuotaTableTest {

  @Test
  void limitsGoToTheLimitColumnAndEverythingElseToRequest() {
    assertEquals(List.of("compute", "2m", "pods: 1/10, requests.cpu: 500m/2", "limits.memory: 0/1Gi"),
        ResourceQuotaColumns.INSTANCE.cells(object("""
            {"metadata": {"name": "compute", "creationTimestamp": "2024-05-01T11:58:00Z"},
             "spec": {"hard": {"requests.cpu": "2", "pods": "10", "limits.memory": "1Gi"}},
             "status": {"hard": {"requests.cpu": "2", "pods": "10", "limits.memory": "1Gi"},
                        "used": {"requests.cpu": "500m", "pods": "1"}}}
            """), NOW));
    assertEquals(List.of("fresh", "2m", "pods: 0/0", ""), ResourceQuotaColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "fresh", "creationTimestamp": "2024-05-01T11:58:00Z"}, "spec": {"hard": {"pods": "3"}}}
        """), NOW), "before the controller counts, used and hard print as 0");
    assertEquals(List.of("Name", "Age", "Request", "Limit"),
        ColumnSets.forType(ResourceTypes.RESOURCEQUOTAS).columns().stream().map(Column::name).toList());
  }
}
