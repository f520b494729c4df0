package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** EndpointSlices, after {@code printEndpointSlice}: address type, ports and addresses, three of each at most. */
final class EndpointSliceColumns implements ColumnSet {

  static final EndpointSliceColumns INSTANCE = new EndpointSliceColumns();

  private static final int MAX = 3;

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
      Column.string("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
      Column.string("Endpoints", "endpoints is a list of unique endpoints in this slice."),
      Column.ageColumn());

  private EndpointSliceColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode slice, Instant now) {
    List<String> ports = new ArrayList<>();
    for (JsonNode port : Fields.items(slice, "ports")) {
      JsonNode number = port.path("port");
      JsonNode name = port.path("name");
      ports.add(number.canConvertToLong() ? String.valueOf(number.asLong())
          : name.isTextual() ? name.asText() : "*");
    }
    List<String> addresses = new ArrayList<>();
    for (JsonNode endpoint : Fields.items(slice, "endpoints")) {
      Fields.items(endpoint, "addresses").forEach(a -> addresses.add(a.asText()));
    }
    return List.of(
        Fields.name(slice),
        Fields.text(slice, "addressType"),
        Fields.listWithMore(ports, MAX),
        Fields.listWithMore(addresses, MAX),
        Fields.age(slice, now));
  }
}
