package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** PriorityClasses, after {@code printPriorityClass}: value, global default, age, then the preemption policy. */
final class PriorityClassColumns implements ColumnSet {

  static final PriorityClassColumns INSTANCE = new PriorityClassColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.integer("Value", "value represents the integer value of this priority class."),
      new Column("Global-Default", "boolean", "", "globalDefault specifies whether this PriorityClass should be"
          + " considered as the default priority for pods that do not have any priority class.", 0),
      Column.ageColumn(),
      Column.string("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority."));

  private PriorityClassColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode pc, Instant now) {
    String policy = pc.path("preemptionPolicy").isTextual() ? pc.get("preemptionPolicy").asText() : "<unset>";
    return List.of(Fields.name(pc), Fields.integer(pc, "value"), Fields.bool(pc, "globalDefault"),
        Fields.age(pc, now), policy);
  }
}
