package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * PersistentVolumeClaims, after {@code printPersistentVolumeClaim}: the phase (Terminating while being
 * deleted), the bound volume with its capacity and access modes, the class; wide: the volume mode.
 */
final class PersistentVolumeClaimColumns implements ColumnSet {

  static final PersistentVolumeClaimColumns INSTANCE = new PersistentVolumeClaimColumns();
  /** The beta annotation that upstream's class helpers still read before the field. */
  static final String CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Status", "Status of the persistent volume claim"),
      Column.string("Volume", "Name of the persistent volume bound to this claim"),
      Column.string("Capacity", "Capacity of the persistent volume"),
      Column.string("Access Modes", "Access modes of the persistent volume"),
      Column.string("StorageClass", "StorageClass of the persistent volume claim"),
      Column.string("VolumeAttributesClass", "VolumeAttributesClass of the persistent volume claim"),
      Column.ageColumn(),
      Column.wide("VolumeMode", "Volume mode of the persistent volume claim"));

  private PersistentVolumeClaimColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode claim, Instant now) {
    String volume = Fields.text(claim, "spec", "volumeName");
    boolean bound = !volume.isEmpty();
    return List.of(Fields.name(claim), phase(claim), volume,
        bound ? Fields.text(claim, "status", "capacity", "storage") : "",
        bound ? accessModes(Fields.at(claim, "status", "accessModes")) : "",
        storageClass(claim), orUnset(Fields.text(claim, "spec", "volumeAttributesClassName")), Fields.age(claim, now),
        orUnset(Fields.text(claim, "spec", "volumeMode")));
  }

  /** The phase, or Terminating once the object is being deleted. */
  static String phase(JsonNode object) {
    return !Fields.text(object, "metadata", "deletionTimestamp").isEmpty() ? "Terminating"
        : Fields.text(object, "status", "phase");
  }

  /** {@code GetPersistentVolume(Claim)Class}: the beta annotation, else {@code spec.storageClassName}. */
  static String storageClass(JsonNode object) {
    JsonNode annotation = Fields.at(object, "metadata", "annotations", CLASS_ANNOTATION);
    return annotation.isTextual() ? annotation.asText() : Fields.text(object, "spec", "storageClassName");
  }

  /** {@code GetAccessModesAsString}: RWO, ROX, RWX, RWOP in that order, each once. */
  static String accessModes(JsonNode modes) {
    Set<String> given = Set.copyOf(Fields.items(modes).stream().map(JsonNode::asText).toList());
    List<String> abbreviated = new ArrayList<>();
    for (String[] mode : new String[][] {{"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"}, {"ReadWriteMany", "RWX"},
        {"ReadWriteOncePod", "RWOP"}}) {
      if (given.contains(mode[0])) {
        abbreviated.add(mode[1]);
      }
    }
    return String.join(",", abbreviated);
  }

  static String orUnset(String value) {
    return value.isEmpty() ? "<unset>" : value;
  }
}
