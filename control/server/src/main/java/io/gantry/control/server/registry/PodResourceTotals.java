package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.ParsedQuantity;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pod's requests or limits as the LimitRanger plugin's {@code podRequests} and {@code podLimits}
 * total them from the spec: the containers' and sidecars' sum, or the largest init container (with the
 * sidecars started before it) when that is more, resource by resource.
 */
final class PodResourceTotals {

  private PodResourceTotals() {}

  /** @param field {@code requests} or {@code limits} */
  static Map<String, ParsedQuantity> of(JsonNode spec, String field) {
    Map<String, ParsedQuantity> total = new LinkedHashMap<>();
    for (JsonNode container : spec.path("containers")) {
      add(total, own(container, field));
    }
    Map<String, ParsedQuantity> sidecars = new LinkedHashMap<>();
    Map<String, ParsedQuantity> init = new LinkedHashMap<>();
    for (JsonNode container : spec.path("initContainers")) {
      Map<String, ParsedQuantity> own = own(container, field);
      Map<String, ParsedQuantity> running;
      if ("Always".equals(container.path("restartPolicy").asText())) {
        add(total, own);
        add(sidecars, own);
        running = sidecars;
      } else {
        running = new LinkedHashMap<>(own);
        add(running, sidecars);
      }
      max(init, running);
    }
    max(total, init);
    return total;
  }

  private static Map<String, ParsedQuantity> own(JsonNode container, String field) {
    return LimitRangeConstraints.list(container.path("resources").path(field));
  }

  /** addResourceList: the sum, in the format of the value first seen. */
  private static void add(Map<String, ParsedQuantity> into, Map<String, ParsedQuantity> more) {
    more.forEach((name, q) -> into.merge(name, q, ParsedQuantity::plus));
  }

  /** maxResourceList: the larger of each. */
  private static void max(Map<String, ParsedQuantity> into, Map<String, ParsedQuantity> other) {
    other.forEach((name, q) -> into.merge(name, q, (a, b) -> b.compareTo(a) > 0 ? b : a));
  }
}
