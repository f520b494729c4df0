package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PodTemplates, as printPodTemplate prints them. */
class PodTemplateTableTest {

  @Test
  void containersImagesAndPodLabels() {
    assertEquals(List.of("tpl", "web,sidecar", "nginx,busybox", "app=web,tier=front"),
        PodTemplateColumns.INSTANCE.cells(object("""
            {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "tpl"},
             "template": {"metadata": {"labels": {"tier": "front", "app": "web"}},
               "spec": {"containers": [{"name": "web", "image": "nginx"}, {"name": "sidecar", "image": "busybox"}]}}}
            """), NOW));
    assertEquals(List.of("bare", "", "", "<none>"), PodTemplateColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "bare"}, "template": {}}
        """), NOW));
    assertEquals(List.of("Name", "Containers", "Images", "Pod Labels"),
        ColumnSets.forType(ResourceTypes.PODTEMPLATES).columns().stream().map(Column::name).toList());
  }
}
