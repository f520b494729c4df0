package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** PersistentVolumeClaims and PersistentVolumes, as printPersistentVolumeClaim and printPersistentVolume. */
class PersistentVolumeTableTest {

  @Test
  void aPendingClaimShowsNoVolumeCapacityOrModes() {
    assertEquals(List.of("data", "Pending", "", "", "", "fast", "<unset>", "2m", "Filesystem"),
        PersistentVolumeClaimColumns.INSTANCE.cells(object("""
            {"metadata": {"name": "data", "creationTimestamp": "2024-05-01T11:58:00Z"},
             "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast", "volumeMode": "Filesystem",
               "resources": {"requests": {"storage": "1Gi"}}},
             "status": {"phase": "Pending"}}
            """), NOW));
  }

  @Test
  void aBoundClaimShowsItsVolumeAndTheBetaClassAnnotationWins() {
    assertEquals(List.of("data", "Terminating", "pv1", "5Gi", "RWO,ROX,RWOP", "old", "<unset>", "2m", "<unset>"),
        PersistentVolumeClaimColumns.INSTANCE.cells(object("""
            {"metadata": {"name": "data", "creationTimestamp": "2024-05-01T11:58:00Z",
               "deletionTimestamp": "2024-05-01T11:59:00Z",
               "annotations": {"volume.beta.kubernetes.io/storage-class": "old"}},
             "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast", "volumeName": "pv1"},
             "status": {"phase": "Bound", "capacity": {"storage": "5Gi"},
               "accessModes": ["ReadWriteOncePod", "ReadOnlyMany", "ReadWriteOnce", "ReadWriteOnce"]}}
            """), NOW));
  }

  @Test
  void aVolumeShowsItsClaimAsNamespaceSlashName() {
    assertEquals(List.of("pv1", "5Gi", "RWO,RWX", "Retain", "Bound", "default/data", "slow", "<unset>", "", "2m",
        "Filesystem"), PersistentVolumeColumns.INSTANCE.cells(object("""
            {"metadata": {"name": "pv1", "creationTimestamp": "2024-05-01T11:58:00Z"},
             "spec": {"capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
               "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "slow", "volumeMode": "Filesystem",
               "claimRef": {"namespace": "default", "name": "data"}, "hostPath": {"path": "/data"}},
             "status": {"phase": "Bound"}}
            """), NOW));
  }
}
