package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** ReplicaSets, after {@code printReplicaSet}: desired, current, ready; wide: containers, images, selector. */
final class ReplicaSetColumns implements ColumnSet {

  static final ReplicaSetColumns INSTANCE = new ReplicaSetColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.integer("Desired", "Replicas is the number of desired replicas."),
      Column.integer("Current", "Replicas is the most recently observed number of replicas."),
      Column.integer("Ready", "The number of ready replicas for this replica set."),
      Column.ageColumn(),
      Column.wide("Containers", "Names of each container in the template."),
      Column.wide("Images", "Images referenced by each container in the template."),
      Column.wide("Selector", "Selector is a label query over pods that should match the replica count."));

  private ReplicaSetColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode replicaSet, Instant now) {
    JsonNode spec = replicaSet.path("spec");
    JsonNode status = replicaSet.path("status");
    String[] containers = Fields.containerCells(spec.path("template").path("spec"));
    return List.of(
        Fields.name(replicaSet),
        desiredReplicas(spec),
        Fields.integer(status, "replicas"),
        Fields.integer(status, "readyReplicas"),
        Fields.age(replicaSet, now),
        containers[0],
        containers[1],
        LabelSelectors.formatOrNone(spec.path("selector")));
  }

  /** {@code spec.replicas}, which defaulting sets to 1 when absent. */
  static long desiredReplicas(JsonNode spec) {
    JsonNode replicas = spec.path("replicas");
    return replicas.canConvertToLong() ? replicas.asLong() : 1;
  }
}
