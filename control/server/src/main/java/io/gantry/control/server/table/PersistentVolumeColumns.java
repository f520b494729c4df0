package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * PersistentVolumes, after {@code printPersistentVolume}: capacity, access modes, reclaim policy, phase,
 * the claim as {@code namespace/name}, class and reason; wide: the volume mode.
 */
final class PersistentVolumeColumns implements ColumnSet {

  static final PersistentVolumeColumns INSTANCE = new PersistentVolumeColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Capacity", "The storage capacity of the volume"),
      Column.string("Access Modes", "The access modes the volume can be mounted with"),
      Column.string("Reclaim Policy", "What happens to the volume when it is released from its claim"),
      Column.string("Status", "Status of the persistent volume"),
      Column.string("Claim", "The claim bound to the volume"),
      Column.string("StorageClass", "StorageClass of the persistent volume"),
      Column.string("VolumeAttributesClass", "VolumeAttributesClass of the persistent volume"),
      Column.string("Reason", "Reason the volume is in its phase"),
      Column.ageColumn(),
      Column.wide("VolumeMode", "Volume mode of the persistent volume"));

  private PersistentVolumeColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode volume, Instant now) {
    String claim = Fields.present(volume, "spec", "claimRef")
        ? Fields.text(volume, "spec", "claimRef", "namespace") + "/" + Fields.text(volume, "spec", "claimRef", "name")
        : "";
    return List.of(Fields.name(volume), Fields.text(volume, "spec", "capacity", "storage"),
        PersistentVolumeClaimColumns.accessModes(Fields.at(volume, "spec", "accessModes")),
        Fields.text(volume, "spec", "persistentVolumeReclaimPolicy"), PersistentVolumeClaimColumns.phase(volume), claim,
        PersistentVolumeClaimColumns.storageClass(volume),
        PersistentVolumeClaimColumns.orUnset(Fields.text(volume, "spec", "volumeAttributesClassName")),
        Fields.text(volume, "status", "reason"), Fields.age(volume, now),
        PersistentVolumeClaimColumns.orUnset(Fields.text(volume, "spec", "volumeMode")));
  }
}
