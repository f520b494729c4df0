package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** RuntimeClasses, after {@code printRuntimeClass}: the handler beside the name. */
final class RuntimeClassColumns implements ColumnSet {

  static final RuntimeClassColumns INSTANCE = new RuntimeClassColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Handler", "The name of the CRI handler"),
      Column.ageColumn());

  private RuntimeClassColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode runtimeClass, Instant now) {
    return List.of(Fields.name(runtimeClass), Fields.text(runtimeClass, "handler"), Fields.age(runtimeClass, now));
  }
}
