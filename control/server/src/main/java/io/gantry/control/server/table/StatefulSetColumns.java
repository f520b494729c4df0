package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** StatefulSets, after {@code printStatefulSet}: ready/desired and age; wide: containers, images. */
final class StatefulSetColumns implements ColumnSet {

  static final StatefulSetColumns INSTANCE = new StatefulSetColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Ready", "Number of the pod with ready state"),
      Column.ageColumn(),
      Column.wide("Containers", "Names of each container in the template."),
      Column.wide("Images", "Images referenced by each container in the template."));

  private StatefulSetColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode statefulSet, Instant now) {
    JsonNode spec = statefulSet.path("spec");
    String[] containers = Fields.containerCells(spec.path("template").path("spec"));
    return List.of(
        Fields.name(statefulSet),
        Fields.integer(statefulSet.path("status"), "readyReplicas") + "/" + ReplicaSetColumns.desiredReplicas(spec),
        Fields.age(statefulSet, now),
        containers[0],
        containers[1]);
  }
}
