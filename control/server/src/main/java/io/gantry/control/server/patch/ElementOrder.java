package io.gantry.control.server.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order of a merged list, as apimachinery's strategic merge computes it: elements named in the
 * patch (or in {@code $setElementOrder}) take the patch's order; the other elements keep the order
 * they had in the live list; the two sequences are then interleaved, an element of the live list
 * going first only where both it and the next patch element were in the live list, in that order.
 * So without {@code $setElementOrder} new elements come first, and live-only elements stay near
 * where they were.
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
    Map<String, Integer> patchPositions = positions(patchOrder, rule);
    Map<String, Integer> serverPositions = positions(serverOrder, rule);
    List<Ranked> patchItems = new ArrayList<>();
    List<Ranked> serverOnly = new ArrayList<>();
    for (JsonNode element : merged) {
      String identity = identity(element, rule);
      Integer inPatch = identity == null ? null : patchPositions.get(identity);
      Integer inServer = identity == null ? null : serverPositions.get(identity);
      int server = inServer == null ? -1 : inServer;
      if (inPatch != null) {
        patchItems.add(new Ranked(element, inPatch, server));
      } else {
        serverOnly.add(new Ranked(element, server < 0 ? Integer.MAX_VALUE : server, server));
      }
    }
    // List.sort is stable: elements missing from the order keep their relative order, last.
    patchItems.sort(Comparator.comparingInt(Ranked::rank));
    serverOnly.sort(Comparator.comparingInt(Ranked::rank));

    ArrayNode out = JsonNodeFactory.instance.arrayNode(merged.size());
    int i = 0;
    int j = 0;
    while (i < serverOnly.size() || j < patchItems.size()) {
      if (j >= patchItems.size()) {
        out.add(serverOnly.get(i++).element());
      } else if (i >= serverOnly.size()) {
        out.add(patchItems.get(j++).element());
      } else {
        int left = serverOnly.get(i).server();
        int right = patchItems.get(j).server();
        out.add(left >= 0 && right >= 0 && left < right ? serverOnly.get(i++).element() : patchItems.get(j++).element());
      }
    }
    return out;
  }

  /** Each identity's first position in {@code list}. */
  static Map<String, Integer> positions(List<JsonNode> list, ListRule rule) {
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String identity = identity(list.get(i), rule);
      if (identity != null) {
        positions.putIfAbsent(identity, i);
      }
    }
    return positions;
  }

  /**
   * The canonical merge key value of an element of a keyed list (null when it has none: such an
   * element matches nothing), or of the scalar itself.
   */
  static String identity(JsonNode element, ListRule rule) {
    JsonNode identity = rule.keyed() ? element.get(rule.mergeKey()) : element;
    return identity == null || identity.isNull() ? null : JsonValues.canonical(identity);
  }

  /** An element with its sort rank and its position in the live list (-1 if new). */
  private record Ranked(JsonNode element, int rank, int server) {}
}
