package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.util.Comparator;

/**
 * One resolved service port as EndpointSlices and Endpoints carry it: the service port's name and
 * protocol with the pod's target port number. Fields read from a stored slice may be missing
 * (null); the ones this controller writes are always set, {@code name} possibly empty.
 */
record EndpointPort(String name, String protocol, Integer port, String appProtocol) {

  /** A total order used to key port mappings independent of the service's port order. */
  static final Comparator<EndpointPort> ORDER = Comparator
      .comparing(EndpointPort::name, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
      .thenComparing(EndpointPort::protocol, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
      .thenComparing(EndpointPort::port, Comparator.nullsFirst(Comparator.<Integer>naturalOrder()))
      .thenComparing(EndpointPort::appProtocol, Comparator.nullsFirst(Comparator.<String>naturalOrder()));

  /** Reads a {@code discovery/v1} EndpointPort. */
  static EndpointPort fromSliceJson(JsonNode port) {
    return new EndpointPort(text(port, "name"), text(port, "protocol"),
        port.hasNonNull("port") ? port.get("port").asInt() : null, text(port, "appProtocol"));
  }

  /** The {@code discovery/v1} form, fields in upstream order. */
  ObjectNode toSliceJson() {
    ObjectNode json = Json.object();
    if (name != null) {
      json.put("name", name);
    }
    if (protocol != null) {
      json.put("protocol", protocol);
    }
    if (port != null) {
      json.put("port", port);
    }
    if (appProtocol != null) {
      json.put("appProtocol", appProtocol);
    }
    return json;
  }

  /** The core/v1 {@code EndpointPort} form: an empty name is omitted. */
  ObjectNode toEndpointsJson() {
    ObjectNode json = Json.object();
    if (name != null && !name.isEmpty()) {
      json.put("name", name);
    }
    json.put("port", port);
    json.put("protocol", protocol);
    if (appProtocol != null) {
      json.put("appProtocol", appProtocol);
    }
    return json;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
