package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** What the controller reads from a Service: its selector, and whether it has a cluster IP. */
final class Services {

  private Services() {}

  /**
   * The set-based selector of {@code spec.selector}, or empty when the service has none: upstream
   * treats a nil selector as "selects nothing", and an empty map does not survive the API's
   * storage round trip, so {@code {}} is none too.
   */
  static Optional<Map<String, String>> selector(ObjectNode service) {
    JsonNode selector = service.path("spec").path("selector");
    if (!selector.isObject() || selector.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> map = new TreeMap<>();
    selector.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return Optional.of(map);
  }

  static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    for (Map.Entry<String, String> requirement : selector.entrySet()) {
      if (!requirement.getValue().equals(labels.get(requirement.getKey()))) {
        return false;
      }
    }
    return true;
  }

  static boolean isExternalName(ObjectNode service) {
    return "ExternalName".equals(service.path("spec").path("type").asText(""));
  }

  /** Upstream {@code isServiceIPSet}: a cluster IP that is neither empty nor None. */
  static boolean hasClusterIp(ObjectNode service) {
    String ip = service.path("spec").path("clusterIP").asText("");
    return !ip.isEmpty() && !ip.equals("None");
  }

  static boolean publishNotReady(ObjectNode service) {
    return service.path("spec").path("publishNotReadyAddresses").asBoolean(false);
  }
}
