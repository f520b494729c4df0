package io.gantry.control.server.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.ListResult;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.json.SameContent;
import io.gantry.control.server.registry.DeleteOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes namespace deletion as kube-apiserver's namespace controller does: a namespace marked
 * Terminating has its contents deleted (a pod gracefully, an object with finalizers marked and
 * waited for, with the NamespaceContentRemaining and NamespaceFinalizersRemaining conditions),
 * then disappears (a DELETED event that {@code kubectl delete} waits for). It waits {@code delay}
 * after the mark first, because {@code kubectl delete -f} deletes the namespace before the objects
 * listed after it in the same file, and would report those as not found if they were already gone.
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
        Remaining remaining = deleteContents(name);
        if (remaining.isEmpty() && finalizeEmpty(namespace)) {
          log.info("namespace {} deleted", name);
          removed++;
        } else if (!remaining.isEmpty()) {
          report(namespace, remaining);
        }
      }
    } catch (ApiException | RuntimeException e) {
      log.warn("namespace finalization pass failed: {}", e.toString());
    }
    return removed;
  }

  /**
   * The namespace controller's last step: its {@code kubernetes} finalizer goes through
   * {@code /finalize}; the namespace goes with it unless other spec finalizers or metadata
   * finalizers remain, which their owners remove (and the namespace goes then). True when gone.
   */
  private boolean finalizeEmpty(ObjectNode namespace) throws ApiException {
    String name = ObjectMeta.name(namespace);
    ObjectNode finalized = namespace.deepCopy();
    ArrayNode kept = finalized.putObject("spec").putArray("finalizers");
    boolean ours = false;
    for (JsonNode finalizer : namespace.path("spec").path("finalizers")) {
      if (finalizer.asText().equals("kubernetes")) {
        ours = true;
      } else {
        kept.add(finalizer);
      }
    }
    if (ours) {
      registry.update(ResourceTypes.NAMESPACES, null, name, finalized, "finalize");
    }
    return registry.find(ResourceTypes.NAMESPACES, null, name).isEmpty();
  }

  /** What a namespace still holds: instances per resource, and per finalizer the instances it holds. */
  private record Remaining(Map<String, Integer> resources, Map<String, Integer> finalizers) {

    boolean isEmpty() {
      return resources.isEmpty();
    }
  }

  /**
   * Deletes everything in a namespace, as the namespace controller's deletecollection does: an
   * object with finalizers is marked for deletion and stays until they are removed.
   */
  private Remaining deleteContents(String namespace) throws ApiException {
    Map<String, Integer> resources = new TreeMap<>();
    Map<String, Integer> finalizers = new TreeMap<>();
    for (ResourceType type : ResourceTypes.ALL) {
      if (!type.namespaced() || type.isView()) {
        continue; // a view's objects are its storage type's, deleted as those
      }
      ListResult objects = registry.list(type, namespace, null, null, 0, null);
      for (ObjectNode object : objects.items()) {
        String name = ObjectMeta.name(object);
        boolean gone;
        // pods are deleted gracefully, so that their node agents stop them within their grace periods
        if (ObjectMeta.hasFinalizers(object) || type == ResourceTypes.PODS) {
          if (!ObjectMeta.isDeleting(object)) {
            deleteQuietly(type, namespace, name);
          }
          gone = registry.find(type, namespace, name).isEmpty();
          if (!gone) {
            object.path("metadata").path("finalizers").forEach(f -> finalizers.merge(f.asText(), 1, Integer::sum));
          }
        } else {
          gone = registry.forceDelete(type, namespace, name) || registry.find(type, namespace, name).isEmpty();
        }
        if (!gone) {
          resources.merge(type.plural() + "." + type.group(), 1, Integer::sum);
        }
      }
    }
    return new Remaining(resources, finalizers);
  }

  private void deleteQuietly(ResourceType type, String namespace, String name) throws ApiException {
    try {
      registry.delete(type, namespace, name, DeleteOptions.DEFAULT);
    } catch (ApiException e) {
      if (e.code() != 404 && e.code() != 409) {
        throw e;
      }
    }
  }

  /** The namespace controller's conditions on a namespace that waits for its contents. */
  private void report(ObjectNode namespace, Remaining remaining) throws ApiException {
    List<String> resources = new ArrayList<>();
    remaining.resources().forEach((resource, n) -> resources.add(resource + " has " + n + " resource instances"));
    List<String> finalizers = new ArrayList<>();
    remaining.finalizers().forEach((finalizer, n) -> finalizers.add(finalizer + " in " + n + " resource instances"));
    ObjectNode updated = namespace.deepCopy();
    ObjectNode status = updated.withObjectProperty("status");
    var conditions = status.putArray("conditions");
    // namespaceConditionUpdater writes all five, in its order; this one's discovery and deletes do not fail
    condition(conditions, namespace, "NamespaceDeletionDiscoveryFailure", false, "ResourcesDiscovered",
        "All resources successfully discovered");
    condition(conditions, namespace, "NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions",
        "All legacy kube types successfully parsed");
    condition(conditions, namespace, "NamespaceDeletionContentFailure", false, "ContentDeleted",
        "All content successfully deleted, may be waiting on finalization");
    condition(conditions, namespace, "NamespaceContentRemaining", true, "SomeResourcesRemain",
        "Some resources are remaining: " + String.join(", ", resources));
    condition(conditions, namespace, "NamespaceFinalizersRemaining", !finalizers.isEmpty(),
        finalizers.isEmpty() ? "ContentHasNoFinalizers" : "SomeFinalizersRemain",
        finalizers.isEmpty() ? "All content-preserving finalizers finished"
            : "Some content in the namespace has finalizers remaining: " + String.join(", ", finalizers));
    if (!SameContent.same(updated.path("status"), namespace.path("status"))) {
      try {
        registry.update(ResourceTypes.NAMESPACES, null, ObjectMeta.name(namespace), updated, "status");
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409) {
          throw e;
        }
      }
    }
  }

  /** Adds a condition, keeping its transition time while its status stays what it was. */
  private void condition(ArrayNode conditions, ObjectNode namespace, String type,
      boolean value, String reason, String message) {
    String status = value ? "True" : "False";
    String since = ObjectMeta.timestamp(registry.clock().instant());
    for (var old : namespace.path("status").path("conditions")) {
      if (old.path("type").asText().equals(type) && old.path("status").asText().equals(status)) {
        since = old.path("lastTransitionTime").asText(since);
      }
    }
    conditions.addObject().put("type", type).put("status", status).put("lastTransitionTime", since)
        .put("reason", reason).put("message", message);
  }
}
