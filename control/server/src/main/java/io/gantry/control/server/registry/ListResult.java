package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One page of a list.
 *
 * @param items           the objects, each with its {@code resourceVersion}
 * @param resourceVersion the store revision the list was read at
 * @param continueToken   the token for the next page, or null when this is the last
 * @param remaining       an estimate of the objects after this page, or null
 */
public record ListResult(List<ObjectNode> items, long resourceVersion, String continueToken, Long remaining) {
  public ListResult {
    items = List.copyOf(items);
  }
}
