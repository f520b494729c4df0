package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * DaemonSets, after {@code printDaemonSet}: desired, current, ready, up-to-date and available node
 * counts, the template's node selector; wide: containers, images, selector.
 */
final class DaemonSetColumns implements ColumnSet {

  static final DaemonSetColumns INSTANCE = new DaemonSetColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.integer("Desired", "The total number of nodes that should be running the daemon pod (including nodes"
          + " correctly running the daemon pod). More info:"
          + " https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
      Column.integer("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run"
          + " the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
      Column.integer("Ready", "numberReady is the number of nodes that should be running the daemon pod and have one"
          + " or more of the daemon pod running with a Ready Condition."),
      Column.integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
      Column.integer("Available", "The number of nodes that should be running the daemon pod and have one or more of"
          + " the daemon pod running and available (ready for at least spec.minReadySeconds)"),
      Column.string("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."
          + " Selector which must match a node's labels for the pod to be scheduled on that node. More info:"
          + " https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
      Column.ageColumn(),
      Column.wide("Containers", "Names of each container in the template."),
      Column.wide("Images", "Images referenced by each container in the template."),
      Column.wide("Selector", "A label query over pods that are managed by the daemon set. Must match in order to be"
          + " controlled. It must match the pod template's labels. More info:"
          + " https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"));

  private DaemonSetColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode daemonSet, Instant now) {
    JsonNode spec = daemonSet.path("spec");
    JsonNode status = daemonSet.path("status");
    JsonNode podSpec = spec.path("template").path("spec");
    String[] containers = Fields.containerCells(podSpec);
    return List.of(
        Fields.name(daemonSet),
        Fields.integer(status, "desiredNumberScheduled"),
        Fields.integer(status, "currentNumberScheduled"),
        Fields.integer(status, "numberReady"),
        Fields.integer(status, "updatedNumberScheduled"),
        Fields.integer(status, "numberAvailable"),
        LabelSelectors.formatLabels(podSpec.path("nodeSelector")),
        Fields.age(daemonSet, now),
        containers[0],
        containers[1],
        LabelSelectors.formatOrNone(spec.path("selector")));
  }
}
