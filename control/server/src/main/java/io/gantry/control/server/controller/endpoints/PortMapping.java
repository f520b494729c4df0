package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gantry.control.server.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The ports one group of endpoints is reachable on, as upstream's {@code PortMapKey}: endpoints
 * whose pods resolve the service's ports to the same numbers share slices. Equality ignores the
 * order of the ports; {@link #ports()} keeps the service's order for display.
 */
record PortMapping(List<EndpointPort> ports, List<EndpointPort> sorted) {

  static final PortMapping NONE = of(List.of());

  PortMapping {
    ports = List.copyOf(ports);
    sorted = List.copyOf(sorted);
  }

  static PortMapping of(List<EndpointPort> ports) {
    List<EndpointPort> sorted = new ArrayList<>(ports);
    sorted.sort(EndpointPort.ORDER);
    return new PortMapping(ports, sorted);
  }

  /** The mapping of a stored slice's {@code ports} (missing is none). */
  static PortMapping ofSlice(JsonNode ports) {
    List<EndpointPort> list = new ArrayList<>();
    if (ports != null && ports.isArray()) {
      ports.forEach(port -> list.add(EndpointPort.fromSliceJson(port)));
    }
    return of(list);
  }

  ArrayNode toSliceJson() {
    ArrayNode array = Json.MAPPER.createArrayNode();
    ports.forEach(port -> array.add(port.toSliceJson()));
    return array;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PortMapping that && sorted.equals(that.sorted);
  }

  @Override
  public int hashCode() {
    return sorted.hashCode();
  }
}
