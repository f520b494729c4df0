package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Endpoints, after {@code printEndpoints}: up to three {@code ip:port}, then {@code " + N more..."}. */
final class EndpointsColumns implements ColumnSet {

  static final EndpointsColumns INSTANCE = new EndpointsColumns();

  private static final int MAX = 3;

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Endpoints", "The set of all endpoints is the union of all subsets."),
      Column.ageColumn());

  private EndpointsColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode endpoints, Instant now) {
    return List.of(Fields.name(endpoints), format(endpoints), Fields.age(endpoints, now));
  }

  /** {@code formatEndpoints(endpoints, nil)}. */
  private static String format(JsonNode endpoints) {
    List<JsonNode> subsets = Fields.items(endpoints, "subsets");
    if (subsets.isEmpty()) {
      return "<none>";
    }
    List<String> list = new ArrayList<>();
    int count = 0;
    for (JsonNode subset : subsets) {
      List<JsonNode> addresses = Fields.items(subset, "addresses");
      List<JsonNode> ports = Fields.items(subset, "ports");
      if (ports.isEmpty()) {
        // Headless services may have no ports.
        count += addresses.size();
        for (JsonNode address : addresses) {
          if (list.size() == MAX) {
            break;
          }
          list.add(Fields.text(address, "ip"));
        }
        continue;
      }
      for (JsonNode port : ports) {
        count += addresses.size();
        for (JsonNode address : addresses) {
          if (list.size() == MAX) {
            break;
          }
          list.add(joinHostPort(Fields.text(address, "ip"), Fields.integer(port, "port")));
        }
      }
    }
    String shown = String.join(",", list);
    return count > MAX ? shown + " + " + (count - MAX) + " more..." : shown;
  }

  /** Go's {@code net.JoinHostPort}: brackets around IPv6 addresses. */
  private static String joinHostPort(String host, long port) {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
