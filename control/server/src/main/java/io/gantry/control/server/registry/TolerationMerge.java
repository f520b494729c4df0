package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.gantry.control.server.json.SameContent;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's {@code tolerations.MergeTolerations}: two lists of tolerations as one, in order, without a
 * toleration another one kept (or a later different one) already covers; of two equal ones the first stays.
 */
final class TolerationMerge {

  private TolerationMerge() {}

  static ArrayNode merge(JsonNode first, JsonNode second) {
    List<JsonNode> all = new ArrayList<>();
    first.forEach(all::add);
    second.forEach(all::add);
    ArrayNode merged = JsonNodeFactory.instance.arrayNode();
    next:
    for (int i = 0; i < all.size(); i++) {
      JsonNode t = all.get(i);
      for (JsonNode kept : merged) {
        if (isSuperset(kept, t)) {
          continue next;
        }
      }
      for (JsonNode later : all.subList(i + 1, all.size())) {
        if (!SameContent.same(t, later) && isSuperset(later, t)) {
          continue next;
        }
      }
      merged.add(t.deepCopy());
    }
    return merged;
  }

  /** {@code isSuperset}: whether {@code ss} tolerates every taint {@code t} does. */
  static boolean isSuperset(JsonNode ss, JsonNode t) {
    if (SameContent.same(ss, t)) {
      return true;
    }
    String ssKey = ss.path("key").asText("");
    String ssOperator = ss.path("operator").asText("");
    if (!t.path("key").asText("").equals(ssKey) && (!ssKey.isEmpty() || !ssOperator.equals("Exists"))) {
      return false; // an empty key with Exists matches every key
    }
    String ssEffect = ss.path("effect").asText("");
    if (!t.path("effect").asText("").equals(ssEffect) && !ssEffect.isEmpty()) {
      return false; // an empty effect matches every effect
    }
    if (ssEffect.equals("NoExecute") && ss.hasNonNull("tolerationSeconds")
        && (!t.hasNonNull("tolerationSeconds")
            || t.get("tolerationSeconds").asLong() > ss.get("tolerationSeconds").asLong())) {
      return false;
    }
    return switch (ssOperator) {
      case "Equal", "" -> t.path("operator").asText("").equals("Equal")
          && t.path("value").asText("").equals(ss.path("value").asText(""));
      case "Exists" -> true;
      default -> false;
    };
  }
}
