package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** ConfigMaps, after {@code printConfigMap}: the number of data and binaryData keys. */
final class ConfigMapColumns implements ColumnSet {

  static final ConfigMapColumns INSTANCE = new ConfigMapColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Data", "Data contains the configuration data."),
      Column.ageColumn());

  private ConfigMapColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode configMap, Instant now) {
    long count = Fields.size(configMap, "data") + Fields.size(configMap, "binaryData");
    return List.of(Fields.name(configMap), count, Fields.age(configMap, now));
  }
}
