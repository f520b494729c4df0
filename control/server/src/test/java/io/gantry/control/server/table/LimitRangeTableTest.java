package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LimitRanges, as printLimitRange prints them: the name and the creation time, not an age. */
class LimitRangeTableTest {

  @Test
  void nameAndCreatedAt() {
    ColumnSet columns = ColumnSets.forType(ResourceTypes.LIMITRANGES);
    assertEquals(List.of("Name", "Created At"), columns.columns().stream().map(Column::name).toList());
    assertEquals("date", columns.columns().get(1).type());
    assertEquals(List.of("limits", "2024-05-01T11:58:00Z"), columns.cells(object("""
        {"apiVersion": "v1", "kind": "LimitRange",
         "metadata": {"name": "limits", "creationTimestamp": "2024-05-01T11:58:00Z"},
         "spec": {"limits": [{"type": "Container", "max": {"cpu": "1"}}]}}
        """), NOW));
  }
}
