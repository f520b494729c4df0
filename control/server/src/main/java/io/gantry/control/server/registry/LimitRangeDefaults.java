package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * SetDefaults_LimitRangeItem for the Container items of a LimitRange: a missing {@code default} (limit)
 * is the item's {@code max}, a missing {@code defaultRequest} its {@code default}, else its {@code min};
 * resource by resource. An empty map stays absent, as Go omits it.
 */
final class LimitRangeDefaults {

  private LimitRangeDefaults() {}

  static void apply(ObjectNode limitRange) {
    for (JsonNode item : limitRange.path("spec").path("limits")) {
      if (item instanceof ObjectNode container && "Container".equals(container.path("type").asText())) {
        copyMissing(container, "max", "default");
        copyMissing(container, "default", "defaultRequest");
        copyMissing(container, "min", "defaultRequest");
      }
    }
  }

  private static void copyMissing(ObjectNode item, String from, String to) {
    if (!(item.get(from) instanceof ObjectNode source) || source.isEmpty()) {
      return;
    }
    ObjectNode target = item.get(to) instanceof ObjectNode existing ? existing : item.putObject(to);
    source.properties().forEach(e -> {
      if (!target.has(e.getKey())) {
        target.set(e.getKey(), e.getValue().deepCopy());
      }
    });
  }
}
