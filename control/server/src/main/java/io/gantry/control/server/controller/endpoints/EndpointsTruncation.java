package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;

/**
 * Upstream's {@code truncateEndpoints}: a v1 Endpoints holds at most {@link #MAX_CAPACITY} addresses
 * (the Service concept page's "over-capacity endpoints"). Not-ready addresses go first; when the
 * ready ones alone are too many, all not-ready ones go and each subset keeps its proportional share
 * of ready ones, rounded up, within what is left. The caller marks a truncated object with
 * {@link #ANNOTATION}{@code : truncated}.
 */
final class EndpointsTruncation {

  static final int MAX_CAPACITY = 1000;
  static final String ANNOTATION = "endpoints.kubernetes.io/over-capacity";

  private EndpointsTruncation() {}

  /** Truncates {@code subsets} in place; true when anything was cut. */
  static boolean truncate(ArrayNode subsets) {
    int ready = 0;
    int notReady = 0;
    for (JsonNode subset : subsets) {
      ready += subset.path("addresses").size();
      notReady += subset.path("notReadyAddresses").size();
    }
    if (ready + notReady <= MAX_CAPACITY) {
      return false;
    }
    boolean truncateReady = ready > MAX_CAPACITY;
    int max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - ready;
    int total = truncateReady ? ready : notReady;
    int canBeAdded = max;
    for (Iterator<JsonNode> it = subsets.elements(); it.hasNext(); ) {
      ObjectNode subset = (ObjectNode) it.next();
      String list = truncateReady ? "addresses" : "notReadyAddresses";
      int inSubset = subset.path(list).size();
      int toBeAdded = Math.min((int) Math.ceil((double) inSubset / total * max), canBeAdded);
      keepFirst(subset, list, toBeAdded);
      if (truncateReady) {
        subset.remove("notReadyAddresses");
      }
      canBeAdded -= subset.path(list).size();
      if (subset.path("addresses").isEmpty() && subset.path("notReadyAddresses").isEmpty()) {
        it.remove(); // a subset without addresses is invalid
      }
    }
    return true;
  }

  private static void keepFirst(ObjectNode subset, String list, int count) {
    JsonNode addresses = subset.get(list);
    if (!(addresses instanceof ArrayNode array) || array.size() <= count) {
      return;
    }
    while (array.size() > count) {
      array.remove(array.size() - 1);
    }
    if (array.isEmpty()) {
      subset.remove(list);
    }
  }
}
