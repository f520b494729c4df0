package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** StorageClasses, as printStorageClass prints them: "(default)" after the default's name. */
class StorageClassTableTest {

  private static final ColumnSet COLUMNS = ColumnSets.forType(ResourceTypes.STORAGECLASSES);

  @Test
  void theDefaultClassIsMarkedAndThePoliciesShown() {
    assertEquals(List.of("Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age"),
        COLUMNS.columns().stream().map(Column::name).toList());
    assertEquals(List.of("standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", true, "2m"),
        COLUMNS.cells(object("""
            {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "provisioner": "rancher.io/local-path",
             "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": true,
             "metadata": {"name": "standard", "creationTimestamp": "2024-05-01T11:58:00Z",
                          "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}}
            """), NOW));
  }

  @Test
  void theBetaAnnotationMarksTooAndOtherValuesDoNot() {
    assertEquals("old (default)", COLUMNS.cells(object("""
        {"provisioner": "p", "metadata": {"name": "old", "creationTimestamp": "2024-05-01T11:58:00Z",
         "annotations": {"storageclass.beta.kubernetes.io/is-default-class": "true"}}}
        """), NOW).get(0));
    assertEquals(List.of("slow", "p", "Delete", "Immediate", false, "2m"), COLUMNS.cells(object("""
        {"provisioner": "p", "metadata": {"name": "slow", "creationTimestamp": "2024-05-01T11:58:00Z",
         "annotations": {"storageclass.kubernetes.io/is-default-class": "True"}}}
        """), NOW));
  }
}
