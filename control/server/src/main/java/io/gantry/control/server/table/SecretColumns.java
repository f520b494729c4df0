package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Secrets, after {@code printSecret}: type and the number of data keys. */
final class SecretColumns implements ColumnSet {

  static final SecretColumns INSTANCE = new SecretColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Type", "Used to facilitate programmatic handling of secret data."),
      Column.string("Data", "Data contains the secret data."),
      Column.ageColumn());

  private SecretColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode secret, Instant now) {
    String type = Fields.text(secret, "type");
    // Conversion merges stringData into data; count a stored object's keys the same way.
    Set<String> keys = new HashSet<>(Fields.map(secret, "data").keySet());
    keys.addAll(Fields.map(secret, "stringData").keySet());
    return List.of(Fields.name(secret), type.isEmpty() ? "Opaque" : type, (long) keys.size(), Fields.age(secret, now));
  }
}
