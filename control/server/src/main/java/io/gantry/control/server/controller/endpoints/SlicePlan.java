package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The writes one sync needs: slices to create (unnamed, with {@code generateName}), to update
 * (named, with the {@code resourceVersion} they replace) and to delete.
 */
record SlicePlan(List<ObjectNode> creates, List<ObjectNode> updates, List<ObjectNode> deletes) {

  SlicePlan {
    creates = List.copyOf(creates);
    updates = List.copyOf(updates);
    deletes = List.copyOf(deletes);
  }

  boolean isEmpty() {
    return creates.isEmpty() && updates.isEmpty() && deletes.isEmpty();
  }
}
