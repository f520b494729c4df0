package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ControllerRevisions, as printControllerRevision prints them. */
class ControllerRevisionTableTest {

  @Test
  void theControllerIsNamedByKindGroupAndName() {
    assertEquals(List.of("web-6d4cf56db6", "daemonset.apps/web", 3L, "2m"),
        ControllerRevisionColumns.INSTANCE.cells(object("""
            {"apiVersion": "apps/v1", "kind": "ControllerRevision", "revision": 3,
             "metadata": {"name": "web-6d4cf56db6", "creationTimestamp": "2024-05-01T11:58:00Z",
               "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "other", "uid": "u0"},
                 {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "web", "uid": "u1", "controller": true}]}}
            """), NOW));
    assertEquals(List.of("orphan", "<none>", 0L, "2m"), ControllerRevisionColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "orphan", "creationTimestamp": "2024-05-01T11:58:00Z"}}
        """), NOW));
    assertEquals(List.of("Name", "Controller", "Revision", "Age"),
        ColumnSets.forType(ResourceTypes.CONTROLLERREVISIONS).columns().stream().map(Column::name).toList());
  }
}
