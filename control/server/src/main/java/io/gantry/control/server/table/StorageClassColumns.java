package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * StorageClasses, after {@code printStorageClass}: the default class (either is-default-class annotation
 * "true") named with {@code (default)}, and the policies as defaulting leaves them (Delete, Immediate).
 */
final class StorageClassColumns implements ColumnSet {

  static final StorageClassColumns INSTANCE = new StorageClassColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Provisioner", "Indicates the type of the provisioner."),
      Column.string("ReclaimPolicy", "Indicates the type of the reclaim policy."),
      Column.string("VolumeBindingMode", "Indicates the mode of the volume binding."),
      Column.string("AllowVolumeExpansion", "Indicates whether the storage class allow volume expand."),
      Column.ageColumn());

  private StorageClassColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode storageClass, Instant now) {
    JsonNode annotations = storageClass.path("metadata").path("annotations");
    boolean isDefault = "true".equals(annotations.path("storageclass.kubernetes.io/is-default-class").asText(null))
        || "true".equals(annotations.path("storageclass.beta.kubernetes.io/is-default-class").asText(null));
    return List.of(
        Fields.name(storageClass) + (isDefault ? " (default)" : ""),
        Fields.text(storageClass, "provisioner"),
        orDefault(storageClass, "reclaimPolicy", "Delete"),
        orDefault(storageClass, "volumeBindingMode", "Immediate"),
        Fields.bool(storageClass, "allowVolumeExpansion"),
        Fields.age(storageClass, now));
  }

  private static String orDefault(JsonNode storageClass, String field, String fallback) {
    JsonNode value = storageClass.path(field);
    return value.isTextual() ? value.asText() : fallback;
  }
}
