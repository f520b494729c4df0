package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** Deployments, after {@code printDeployment}: ready/desired, up-to-date, available; wide: containers, images, selector. */
final class DeploymentColumns implements ColumnSet {

  static final DeploymentColumns INSTANCE = new DeploymentColumns();

  // Upstream declares Up-to-date and Available as strings yet fills them with integers; kept as is.
  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Ready", "Number of the pod with ready state"),
      Column.string("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the"
          + " desired template spec."),
      Column.string("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by"
          + " this deployment."),
      Column.ageColumn(),
      Column.wide("Containers", "Names of each container in the template."),
      Column.wide("Images", "Images referenced by each container in the template."),
      Column.wide("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be"
          + " the ones affected by this deployment."));

  private DeploymentColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode deployment, Instant now) {
    JsonNode spec = deployment.path("spec");
    JsonNode status = deployment.path("status");
    String[] containers = Fields.containerCells(spec.path("template").path("spec"));
    String selector;
    try {
      selector = LabelSelectors.format(spec.path("selector"));
    } catch (IllegalArgumentException e) {
      selector = "<invalid>";
    }
    return List.of(
        Fields.name(deployment),
        Fields.integer(status, "readyReplicas") + "/" + ReplicaSetColumns.desiredReplicas(spec),
        Fields.integer(status, "updatedReplicas"),
        Fields.integer(status, "availableReplicas"),
        Fields.age(deployment, now),
        containers[0],
        containers[1],
        selector);
  }
}
