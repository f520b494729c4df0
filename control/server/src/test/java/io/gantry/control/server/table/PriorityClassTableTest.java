package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PriorityClasses, as printPriorityClass prints them. */
class PriorityClassTableTest {

  @Test
  void valueDefaultAgeAndPolicy() {
    ColumnSet columns = ColumnSets.forType(ResourceTypes.PRIORITYCLASSES);
    assertEquals(List.of("Name", "Value", "Global-Default", "Age", "PreemptionPolicy"),
        columns.columns().stream().map(Column::name).toList());
    assertEquals(List.of("integer", "boolean"), columns.columns().subList(1, 3).stream().map(Column::type).toList());
    assertEquals(List.of("high", 1000L, true, "2m", "Never"), columns.cells(object("""
        {"metadata": {"name": "high", "creationTimestamp": "2024-05-01T11:58:00Z"}, "value": 1000,
         "globalDefault": true, "preemptionPolicy": "Never"}
        """), NOW));
    assertEquals(List.of("old", 0L, false, "2m", "<unset>"), columns.cells(object("""
        {"metadata": {"name": "old", "creationTimestamp": "2024-05-01T11:58:00Z"}}
        """), NOW));
  }
}
