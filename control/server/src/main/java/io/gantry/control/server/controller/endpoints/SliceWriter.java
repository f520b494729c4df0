package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;

/**
 * Carries out a {@link SlicePlan} through the registry, as upstream's {@code finalize}: stamps the
 * trigger time on every slice it writes, creates nothing for a service being deleted, pins
 * updates to the version they were computed from (a conflict fails the sync, which is retried
 * from fresh caches) and tolerates slices that are already gone.
 */
final class SliceWriter {

  private final ObjectRegistry registry;

  SliceWriter(ObjectRegistry registry) {
    this.registry = registry;
  }

  /** Applies the plan; returns the highest store revision written, or 0 when nothing was. */
  long apply(ObjectNode service, SlicePlan plan, Instant triggerTime) throws ApiException {
    String namespace = ObjectMeta.namespace(service);
    long revision = 0;
    if (!ObjectMeta.isDeleting(service)) {
      for (ObjectNode slice : plan.creates()) {
        stamp(slice, triggerTime);
        revision = Math.max(revision, revisionOf(registry.create(ResourceTypes.ENDPOINTSLICES, namespace, slice)));
      }
    }
    for (ObjectNode slice : plan.updates()) {
      stamp(slice, triggerTime);
      revision = Math.max(revision, revisionOf(
          registry.update(ResourceTypes.ENDPOINTSLICES, namespace, ObjectMeta.name(slice), slice, null)));
    }
    for (ObjectNode slice : plan.deletes()) {
      revision = Math.max(revision, delete(namespace, ObjectMeta.name(slice)));
    }
    return revision;
  }

  /** Deletes one slice; returns the deletion's revision, or 0 when it was already gone. */
  long delete(String namespace, String name) throws ApiException {
    try {
      return revisionOf(registry.delete(ResourceTypes.ENDPOINTSLICES, namespace, name, DeleteOptions.DEFAULT));
    } catch (ApiException e) {
      if (e.code() == 404) {
        return 0;
      }
      throw e;
    }
  }

  /** Upstream {@code addTriggerTimeAnnotation}: set it, or remove it when there is no new trigger. */
  private static void stamp(ObjectNode slice, Instant triggerTime) {
    ObjectNode metadata = ObjectMeta.metadata(slice);
    JsonNode existing = metadata.get("annotations");
    ObjectNode annotations = existing instanceof ObjectNode object ? object : metadata.putObject("annotations");
    if (triggerTime != null) {
      annotations.put(SliceTemplates.TRIGGER_TIME, ObjectMeta.timestamp(triggerTime));
    } else {
      annotations.remove(SliceTemplates.TRIGGER_TIME);
    }
    if (annotations.isEmpty()) {
      metadata.remove("annotations");
    }
  }

  static long revisionOf(ObjectNode written) {
    String version = ObjectMeta.text(written, "resourceVersion");
    return version.isEmpty() ? 0 : Long.parseLong(version);
  }
}
