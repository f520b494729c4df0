package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RuntimeClasses, as printRuntimeClass prints them. */
class RuntimeClassTableTest {

  @Test
  void theHandlerIsPrintedBesideTheName() {
    assertEquals(List.of("Name", "Handler", "Age"),
        ColumnSets.forType(ResourceTypes.RUNTIMECLASSES).columns().stream().map(Column::name).toList());
    assertEquals(List.of("gvisor", "runsc", "2m"), ColumnSets.forType(ResourceTypes.RUNTIMECLASSES).cells(object("""
        {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "handler": "runsc",
         "metadata": {"name": "gvisor", "creationTimestamp": "2024-05-01T11:58:00Z"}}
        """), NOW));
  }
}
