package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * PodTemplates, after {@code printPodTemplate}: the template's containers and images (comma-separated,
 * as {@code layoutContainerCells}) and its pod labels. Upstream prints no age for them.
 */
final class PodTemplateColumns implements ColumnSet {

  static final PodTemplateColumns INSTANCE = new PodTemplateColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Containers", "Names of each container in the template."),
      Column.string("Images", "Images referenced by each container in the template."),
      Column.string("Pod Labels", "The labels for the pod template."));

  private PodTemplateColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode podTemplate, Instant now) {
    JsonNode template = podTemplate.path("template");
    String[] containers = Fields.containerCells(template.path("spec"));
    return List.of(Fields.name(podTemplate), containers[0], containers[1],
        Fields.formatLabels(template, "metadata", "labels"));
  }
}
