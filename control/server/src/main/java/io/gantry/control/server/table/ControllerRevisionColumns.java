package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * ControllerRevisions, after {@code printControllerRevision}: the controller as {@code kind.group/name}
 * ({@code daemonset.apps/web}), {@code <none>} without one, and the revision number.
 */
final class ControllerRevisionColumns implements ColumnSet {

  static final ControllerRevisionColumns INSTANCE = new ControllerRevisionColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Controller", "Controller of the object"),
      Column.integer("Revision", "Revision of the ControllerRevision"),
      Column.ageColumn());

  private ControllerRevisionColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode revision, Instant now) {
    return List.of(Fields.name(revision), controller(revision), Fields.integer(revision, "revision"),
        Fields.age(revision, now));
  }

  private static String controller(JsonNode revision) {
    for (JsonNode owner : Fields.items(revision, "metadata", "ownerReferences")) {
      if (Fields.bool(owner, "controller")) {
        String apiVersion = Fields.text(owner, "apiVersion");
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String kind = Fields.text(owner, "kind");
        String groupKind = group.isEmpty() ? kind : kind + "." + group;
        return groupKind.isEmpty() ? Fields.text(owner, "name")
            : groupKind.toLowerCase(Locale.ROOT) + "/" + Fields.text(owner, "name");
      }
    }
    return "<none>";
  }
}
