package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * ReplicaSets, after {@code printReplicaSet}, and ReplicationControllers, after
 * {@code printReplicationController}: desired, current, ready; wide: containers, images, selector.
 */
final class ReplicaSetColumns implements ColumnSet {

  static final ReplicaSetColumns INSTANCE = new ReplicaSetColumns("replica set",
      "Selector is a label query over pods that should match the replica count.", LabelSelectors::formatOrNone);

  /** A ReplicationController's selector is a label map, printed as {@code labels.FormatLabels} does. */
  static final ReplicaSetColumns REPLICATION_CONTROLLERS = new ReplicaSetColumns("replication controller",
      "Selector is a label query over pods that should match the Replicas count.", LabelSelectors::formatLabels);

  private final List<Column> columns;
  private final Function<JsonNode, String> selectorCell;

  private ReplicaSetColumns(String kindName, String selectorDescription, Function<JsonNode, String> selectorCell) {
    this.columns = List.of(
        Column.nameColumn(),
        Column.integer("Desired", "Replicas is the number of desired replicas."),
        Column.integer("Current", "Replicas is the most recently observed number of replicas."),
        Column.integer("Ready", "The number of ready replicas for this " + kindName + "."),
        Column.ageColumn(),
        Column.wide("Containers", "Names of each container in the template."),
        Column.wide("Images", "Images referenced by each container in the template."),
        Column.wide("Selector", selectorDescription));
    this.selectorCell = selectorCell;
  }

  @Override
  public List<Column> columns() {
    return columns;
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
        selectorCell.apply(spec.path("selector")));
  }

  /** {@code spec.replicas}, which defaulting sets to 1 when absent. */
  static long desiredReplicas(JsonNode spec) {
    JsonNode replicas = spec.path("replicas");
    return replicas.canConvertToLong() ? replicas.asLong() : 1;
  }
}
