package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.patch.PatchException;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.patch.Patches;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.LabelSelector;
import java.io.IOException;

/**
 * The {@code scale} subresource ({@code autoscaling/v1 Scale}) of Deployments, ReplicaSets,
 * StatefulSets and ReplicationControllers: a view of {@code spec.replicas} that {@code kubectl scale} reads and writes.
 */
final class ScaleSubresource {

  private final ObjectRegistry registry;

  ScaleSubresource(ObjectRegistry registry) {
    this.registry = registry;
  }

  /** Serves one request on {@code .../scale}; writes go to {@code writer} (a dry-run registry for dryRun=All). */
  ApiResponse handle(ResourcePath path, ApiRequest request, ObjectRegistry writer) throws ApiException {
    ResourceType type = path.type();
    String namespace = path.namespaceOrDefault();
    ObjectNode parent = registry.get(type, namespace, path.name());
    return switch (request.method()) {
      case "GET" -> ApiResponse.json(200, scaleOf(type, parent));
      case "PUT" -> ApiResponse.json(200, write(writer, path, parent, RequestBodies.object(request)));
      case "PATCH" -> {
        PatchType patchType = PatchType.fromContentType(request.contentType())
            .orElseThrow(() -> ApiException.unsupportedPatchType(request.contentType()));
        try {
          JsonNode patch = Json.parse(request.body());
          ObjectNode patched = Patches.apply(patchType, type, scaleOf(type, parent), patch);
          yield ApiResponse.json(200, write(writer, path, parent, patched));
        } catch (IOException | PatchException e) {
          throw ApiException.badRequest("the scale patch could not be applied: " + e.getMessage());
        }
      }
      default -> throw ApiException.methodNotAllowed(request.method() + " is not allowed on " + type.plural() + "/scale");
    };
  }

  private static ObjectNode write(ObjectRegistry writer, ResourcePath path, ObjectNode parent, ObjectNode scale)
      throws ApiException {
    JsonNode replicas = scale.path("spec").path("replicas");
    if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
      throw new ApiException(422, "Invalid", "Scale.autoscaling \"" + path.name()
          + "\" is invalid: spec.replicas: Invalid value: " + replicas + ": must be greater than or equal to 0", null);
    }
    ObjectNode updated = parent.deepCopy();
    ((ObjectNode) updated.get("spec")).put("replicas", replicas.asInt());
    String pinned = scale.path("metadata").path("resourceVersion").asText("");
    ((ObjectNode) updated.get("metadata")).put("resourceVersion", pinned);
    return scaleOf(path.type(), writer.through("scale").update(path.type(), path.namespaceOrDefault(), path.name(),
        updated, null));
  }

  static ObjectNode scaleOf(ResourceType type, ObjectNode parent) {
    ObjectNode scale = Json.object();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode metadata = scale.putObject("metadata");
    JsonNode parentMeta = parent.path("metadata");
    for (String field : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (parentMeta.has(field)) {
        metadata.set(field, parentMeta.get(field));
      }
    }
    scale.putObject("spec").put("replicas", parent.path("spec").path("replicas").asInt(0));
    ObjectNode status = scale.putObject("status");
    status.put("replicas", parent.path("status").path("replicas").asInt(0));
    JsonNode selector = parent.path("spec").path("selector");
    // a ReplicationController's selector is a plain label map, the apps/v1 kinds' a LabelSelector
    status.put("selector", (type == ResourceTypes.REPLICATIONCONTROLLERS ? LabelSelector.fromSet(selector)
        : LabelSelector.fromJson(selector)).toString());
    return scale;
  }
}
