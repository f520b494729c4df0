package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** Namespaces, after {@code printNamespace}: the phase. */
final class NamespaceColumns implements ColumnSet {

  static final NamespaceColumns INSTANCE = new NamespaceColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Status", "The status of the namespace"),
      Column.ageColumn());

  private NamespaceColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode namespace, Instant now) {
    String phase = Fields.text(namespace, "status", "phase");
    // Defaulting (SetDefaults_NamespaceStatus) makes an absent phase Active.
    return List.of(Fields.name(namespace), phase.isEmpty() ? "Active" : phase, Fields.age(namespace, now));
  }
}
