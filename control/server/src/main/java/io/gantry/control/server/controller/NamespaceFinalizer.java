package io.gantry.control.server.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.ListResult;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes namespace deletion as kube-apiserver's namespace controller does: a namespace marked
 * Terminating has its contents deleted, then disappears (a DELETED event that {@code kubectl
 * delete} waits for). It waits {@code delay} after the mark first, because {@code kubectl delete
 * -f} deletes the namespace before the objects listed after it in the same file, and would report
 * those as not found if they were already gone.
 */
public final class NamespaceFinalizer {

  private static final Logger log = LoggerFactory.getLogger(NamespaceFinalizer.class);

  private final ObjectRegistry registry;
  private final Duration delay;

  public NamespaceFinalizer(ObjectRegistry registry, Duration delay) {
    this.registry = registry;
    this.delay = delay;
  }

  /** One pass over the terminating namespaces; returns how many were removed. */
  public int runOnce() {
    int removed = 0;
    try {
      ListResult namespaces = registry.list(ResourceTypes.NAMESPACES, null, null, null, 0, null);
      Instant now = registry.clock().instant();
      for (ObjectNode namespace : namespaces.items()) {
        if (!ObjectMeta.isDeleting(namespace)) {
          continue;
        }
        Instant marked = Instant.parse(ObjectMeta.text(namespace, "deletionTimestamp"));
        if (now.isBefore(marked.plus(delay))) {
          continue;
        }
        String name = ObjectMeta.name(namespace);
        if (deleteContents(name) && registry.forceDelete(ResourceTypes.NAMESPACES, null, name)) {
          log.info("namespace {} deleted", name);
          removed++;
        }
      }
    } catch (ApiException | RuntimeException e) {
      log.warn("namespace finalization pass failed: {}", e.toString());
    }
    return removed;
  }

  /** Deletes everything in a namespace; true when it is empty. */
  private boolean deleteContents(String namespace) throws ApiException {
    boolean empty = true;
    for (ResourceType type : ResourceTypes.ALL) {
      if (!type.namespaced()) {
        continue;
      }
      ListResult objects = registry.list(type, namespace, null, null, 0, null);
      for (ObjectNode object : objects.items()) {
        if (!registry.forceDelete(type, namespace, ObjectMeta.name(object))) {
          empty = false;
        }
      }
    }
    return empty;
  }
}
