package io.gantry.control.server.patch;

import static io.gantry.control.server.patch.Directives.child;
import static io.gantry.control.server.patch.Directives.where;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code $setElementOrder/<list>} directive: merges the named list (if the patch has it) and
 * orders the result: elements named in the directive in its order, live elements it does not name
 * kept near their old places ({@link ElementOrder}). The patch's own list must name its elements in
 * an order consistent with the directive.
 */
final class SetElementOrder {

  private final StrategicListMerge lists;

  SetElementOrder(StrategicListMerge lists) {
    this.lists = lists;
  }

  /** Handles {@code directive} of {@code patch}, removing it and the list it names from the patch. */
  void apply(String path, ObjectNode original, ObjectNode patch, String directive) throws PatchException {
    String field = directive.substring(Directives.SET_ELEMENT_ORDER.length());
    JsonNode order = patch.remove(directive);
    if (field.isEmpty() || !order.isArray()) {
      throw new PatchException(where(path) + ": invalid patch format of setElementOrder list: \"" + directive
          + "\" must name a list field and hold a list");
    }
    String listPath = child(path, field);
    ArrayNode live = listOrNull(listPath, "the object", original.get(field));
    ArrayNode changes = listOrNull(listPath, "the patch", patch.remove(field));
    if (live == null && changes == null) {
      return;
    }
    Optional<ListRule> rule = lists.rule(listPath);
    if (changes != null && rule.isPresent()) {
      checkConsistent(listPath, changes, (ArrayNode) order, rule.get());
    }
    ArrayNode merged = changes == null ? live : lists.merge(listPath, live, changes);
    if (rule.isPresent()) {
      merged = ElementOrder.arrange(StrategicListMerge.elements(merged), StrategicListMerge.elements((ArrayNode) order),
          live == null ? List.of() : StrategicListMerge.elements(live), rule.get());
    }
    original.set(field, merged);
  }

  private static ArrayNode listOrNull(String path, String where, JsonNode value) throws PatchException {
    if (value == null) {
      return null;
    }
    if (value instanceof ArrayNode list) {
      return list;
    }
    throw new PatchException(path + ": $setElementOrder names a field that is not a list in " + where
        + ": " + JsonValues.brief(value));
  }

  /** The elements of the patch list (deletions aside) must appear in the directive, in its order. */
  private static void checkConsistent(String path, ArrayNode changes, ArrayNode order, ListRule rule)
      throws PatchException {
    int o = 0;
    for (JsonNode element : changes) {
      if (element.has(Directives.PATCH)) {
        continue;
      }
      if (rule.keyed()) {
        StrategicListMerge.requireKey(path, element, rule.mergeKey());
      }
      String identity = ElementOrder.identity(element, rule);
      while (o < order.size() && !Objects.equals(identity, ElementOrder.identity(order.get(o), rule))) {
        o++;
      }
      if (o == order.size()) {
        throw new PatchException(path + ": the order in the patch list " + JsonValues.brief(changes)
            + " doesn't match the $setElementOrder list " + JsonValues.brief(order));
      }
      o++;
    }
  }
}
