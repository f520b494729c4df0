package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** PodDisruptionBudgets, after {@code printPodDisruptionBudget}: the budget as written, N/A when unset. */
final class PodDisruptionBudgetColumns implements ColumnSet {

  static final PodDisruptionBudgetColumns INSTANCE = new PodDisruptionBudgetColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Min Available", "The minimum number of pods that must be available."),
      Column.string("Max Unavailable", "The maximum number of pods that may be unavailable."),
      Column.integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
      Column.ageColumn());

  private PodDisruptionBudgetColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode budget, Instant now) {
    return List.of(Fields.name(budget), budgetCell(budget, "minAvailable"), budgetCell(budget, "maxUnavailable"),
        Fields.integer(budget, "status", "disruptionsAllowed"), Fields.age(budget, now));
  }

  private static String budgetCell(ObjectNode budget, String field) {
    JsonNode value = Fields.at(budget, "spec", field);
    return value.isMissingNode() || value.isNull() ? "N/A" : value.asText();
  }
}
