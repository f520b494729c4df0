package io.gantry.control.server.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of a merged list, as apimachinery's strategic merge computes it: elements named in the
 * patch (or in {@code $setElementOrder}) take the patch's order; the other elements keep the order
 * they had in the live list; the two sequences are then interleaved, an element of the live list
 * going first only where both it and the next patch element were in the live list, in that order.
 * So elements new to the list follow their predecessor in the patch, and live-only elements stay
 * near where they were.
 */
final class ElementOrder {

  private ElementOrder() {}

  /**
   * Arranges {@code merged}.
   *
   * @param merged      the merged elements, in any order
   * @param patchOrder  the order the patch asks for: its list, or its {@code $setElementOrder} list
   * @param serverOrder the live list before the patch
   * @param rule        how elements are identified: by merge key, or by value for scalars
   */
  static ArrayNode arrange(List<JsonNode> merged, List<JsonNode> patchOrder, List<JsonNode> serverOrder, ListRule rule) {
    List<JsonNode> patchItems = new ArrayList<>();
    List<JsonNode> serverOnly = new ArrayList<>();
    for (JsonNode element : merged) {
      (indexOf(patchOrder, element, rule) >= 0 ? patchItems : serverOnly).add(element);
    }
    sortBy(patchItems, patchOrder, rule);
    sortBy(serverOnly, serverOrder, rule);

    ArrayNode out = JsonNodeFactory.instance.arrayNode(merged.size());
    int i = 0;
    int j = 0;
    while (i < serverOnly.size() || j < patchItems.size()) {
      if (j >= patchItems.size()) {
        out.add(serverOnly.get(i++));
      } else if (i >= serverOnly.size()) {
        out.add(patchItems.get(j++));
      } else {
        int left = indexOf(serverOrder, serverOnly.get(i), rule);
        int right = indexOf(serverOrder, patchItems.get(j), rule);
        if (left >= 0 && right >= 0 && left < right) {
          out.add(serverOnly.get(i++));
        } else {
          out.add(patchItems.get(j++));
        }
      }
    }
    return out;
  }

  /** Stable sort by position in {@code order}; elements not in it go last, in their current order. */
  private static void sortBy(List<JsonNode> elements, List<JsonNode> order, ListRule rule) {
    elements.sort(Comparator.comparingInt(element -> {
      int index = indexOf(order, element, rule);
      return index < 0 ? Integer.MAX_VALUE : index;
    }));
  }

  /** The position in {@code list} of the element with the same identity as {@code element}, or -1. */
  static int indexOf(List<JsonNode> list, JsonNode element, ListRule rule) {
    JsonNode identity = identity(element, rule);
    if (identity == null) {
      return -1; // an element without its merge key matches nothing
    }
    for (int i = 0; i < list.size(); i++) {
      if (JsonValues.equal(identity, identity(list.get(i), rule))) {
        return i;
      }
    }
    return -1;
  }

  /** The merge key value of an element of a keyed list (null if absent), or the scalar itself. */
  static JsonNode identity(JsonNode element, ListRule rule) {
    return rule.keyed() ? element.get(rule.mergeKey()) : element;
  }
}
