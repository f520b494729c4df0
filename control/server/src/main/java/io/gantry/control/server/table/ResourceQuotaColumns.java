package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.quota.ResourceLists;
import io.gantry.control.server.resource.ParsedQuantity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ResourceQuotas, after {@code printResourceQuota}: the age, then each hard resource as
 * {@code name: used/hard}, sorted by name, in the Limit column when its name starts with {@code limits.}
 * and in the Request column otherwise (a usage not yet counted prints as {@code 0}).
 */
final class ResourceQuotaColumns implements ColumnSet {

  static final ResourceQuotaColumns INSTANCE = new ResourceQuotaColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.ageColumn(),
      Column.string("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
      Column.string("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent"
          + " of contention on the node."));

  private ResourceQuotaColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode quota, Instant now) {
    TreeMap<String, ParsedQuantity> specHard = ResourceLists.of(quota.path("spec").path("hard"));
    Map<String, ParsedQuantity> used = ResourceLists.of(quota.path("status").path("used"));
    Map<String, ParsedQuantity> hard = ResourceLists.of(quota.path("status").path("hard"));
    List<String> requests = new ArrayList<>();
    List<String> limits = new ArrayList<>();
    for (String name : specHard.keySet()) {
      String cell = name + ": " + used.getOrDefault(name, ParsedQuantity.ZERO) + "/" + hard.getOrDefault(name, ParsedQuantity.ZERO);
      String[] pieces = name.split("\\.");
      (pieces.length > 1 && pieces[0].equals("limits") ? limits : requests).add(cell);
    }
    return List.of(Fields.name(quota), Fields.age(quota, now), String.join(", ", requests), String.join(", ", limits));
  }
}
