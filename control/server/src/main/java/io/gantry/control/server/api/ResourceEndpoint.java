package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.patch.PatchException;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.patch.Patches;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ListResult;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.table.TableConverter;
import java.util.ArrayList;
import java.util.List;

/** The REST verbs on one resource path: get, list, create, update, patch, delete, deletecollection. */
final class ResourceEndpoint {

  private final ObjectRegistry registry;
  private final ScaleSubresource scale;
  private final PodLogs logs;

  ResourceEndpoint(ObjectRegistry registry) {
    this.registry = registry;
    this.scale = new ScaleSubresource(registry);
    this.logs = new PodLogs(registry);
  }

  PodLogs logs() {
    return logs;
  }

  ApiResponse handle(ResourcePath path, ApiRequest request) throws ApiException {
    ResourceType type = path.type();
    if ("scale".equals(path.subresource())) {
      return scale.handle(path, request);
    }
    if ("log".equals(path.subresource()) && type.plural().equals("pods")) {
      return logs.handle(path, request);
    }
    if ("binding".equals(path.subresource()) && request.method().equals("POST")) {
      return bound(path, request);
    }
    if (path.subresource() != null && !path.subresource().equals("status")) {
      throw new ApiException(501, "NotImplemented",
          "the " + path.subresource() + " subresource of " + type.plural() + " is not served yet", null);
    }
    String namespace = type.namespaced() ? path.namespace() : null;
    if (path.name() == null) {
      return switch (request.method()) {
        case "GET" -> list(path, request);
        case "POST" -> created(type, request, writer(request).create(type, writeNamespace(path),
            RequestBodies.object(request)));
        case "DELETE" -> deleteCollection(path, request);
        default -> throw ApiException.methodNotAllowed(request.method() + " is not allowed on a collection");
      };
    }
    if (type.readOnly() && !request.method().equals("GET")) {
      throw ApiException.methodNotAllowed(type.plural() + " are maintained by the server and are read-only");
    }
    return switch (request.method()) {
      case "GET" -> object(type, request, registry.get(type, namespace, path.name()));
      case "PUT" -> object(type, request,
          writer(request).update(type, namespace, path.name(), RequestBodies.object(request), path.subresource()));
      case "PATCH" -> patch(path, request);
      case "DELETE" -> object(type, request, registry.delete(type, namespace, path.name(),
          DeleteOptions.from(RequestBodies.tree(request), request.param("gracePeriodSeconds"))));
      default -> throw ApiException.methodNotAllowed(request.method() + " is not allowed on " + type.plural());
    };
  }

  /** The registry writing as the request's field manager. */
  private ObjectRegistry writer(ApiRequest request) throws ApiException {
    return registry.forRequest(FieldManagers.of(request));
  }

  /** POST pods/{name}/binding, as the scheduler does: 201 with a Success Status. */
  private ApiResponse bound(ResourcePath path, ApiRequest request) throws ApiException {
    registry.bind(writeNamespace(path), path.name(), RequestBodies.object(request));
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Success");
    status.put("code", 201);
    return ApiResponse.json(201, status);
  }

  private static String writeNamespace(ResourcePath path) throws ApiException {
    if (path.type().namespaced() && path.namespace() == null) {
      throw ApiException.badRequest("the namespace of the object must be given in the path: "
          + "POST /.../namespaces/{namespace}/" + path.type().plural());
    }
    return path.type().namespaced() ? path.namespace() : null;
  }

  private ApiResponse patch(ResourcePath path, ApiRequest request) throws ApiException {
    ResourceType type = path.type();
    PatchType patchType = PatchType.fromContentType(request.contentType())
        .orElseThrow(() -> ApiException.unsupportedMediaType(request.contentType()));
    JsonNode patch;
    try {
      patch = patchType == PatchType.APPLY_PATCH ? Patches.parseApplyBody(request.body()) : Json.parse(request.body());
    } catch (PatchException | java.io.IOException e) {
      throw ApiException.badRequest("the patch could not be decoded: " + e.getMessage());
    }
    String namespace = type.namespaced() ? writeNamespace(path) : null;
    boolean apply = patchType == PatchType.APPLY_PATCH;
    String manager = apply ? FieldManagers.ofApply(request) : FieldManagers.of(request);
    boolean force = FieldManagers.force(request, apply);
    ObjectRegistry.PatchOutcome outcome =
        registry.forRequest(manager).patch(type, namespace, path.name(), patchType, patch, path.subresource(), null,
            force);
    ApiResponse response = object(type, request, outcome.object());
    return outcome.created() ? new ApiResponse(201, response.contentType(), response.body()) : response;
  }

  private ApiResponse list(ResourcePath path, ApiRequest request) throws ApiException {
    ResourceType type = path.type();
    ListResult result = registry.list(type, type.namespaced() ? path.namespace() : null,
        Selectors.labels(request), Selectors.fields(type, request), limit(request), request.param("continue"));
    if (request.wantsTable()) {
      ObjectNode table = TableConverter.table(type, result.items(), Long.toString(result.resourceVersion()),
          Selectors.includeObject(request), true, registry.clock().instant());
      if (result.continueToken() != null) {
        ((ObjectNode) table.get("metadata")).put("continue", result.continueToken());
      }
      return ApiResponse.json(200, table);
    }
    ObjectNode list = Json.object();
    list.put("kind", type.kind() + "List");
    list.put("apiVersion", type.apiVersion());
    ObjectNode metadata = list.putObject("metadata");
    metadata.put("resourceVersion", Long.toString(result.resourceVersion()));
    if (result.continueToken() != null) {
      metadata.put("continue", result.continueToken());
    }
    ArrayNode items = list.putArray("items");
    result.items().forEach(items::add);
    return ApiResponse.json(200, list);
  }

  private ApiResponse deleteCollection(ResourcePath path, ApiRequest request) throws ApiException {
    ResourceType type = path.type();
    String namespace = type.namespaced() ? path.namespace() : null;
    DeleteOptions options = DeleteOptions.from(RequestBodies.tree(request), request.param("gracePeriodSeconds"));
    ListResult all = registry.list(type, namespace, Selectors.labels(request), Selectors.fields(type, request), 0, null);
    List<ObjectNode> deleted = new ArrayList<>();
    for (ObjectNode object : all.items()) {
      String ns = type.namespaced() ? object.path("metadata").path("namespace").asText() : null;
      try {
        deleted.add(registry.delete(type, ns, object.path("metadata").path("name").asText(), options));
      } catch (ApiException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
    ObjectNode list = Json.object();
    list.put("kind", type.kind() + "List");
    list.put("apiVersion", type.apiVersion());
    list.putObject("metadata").put("resourceVersion", Long.toString(registry.store().currentRevision()));
    ArrayNode items = list.putArray("items");
    deleted.forEach(items::add);
    return ApiResponse.json(200, list);
  }

  private ApiResponse object(ResourceType type, ApiRequest request, ObjectNode object) throws ApiException {
    if (request.wantsTable()) {
      return ApiResponse.json(200, TableConverter.table(type, List.of(object), null,
          Selectors.includeObject(request), true, registry.clock().instant()));
    }
    return ApiResponse.json(200, object);
  }

  private ApiResponse created(ResourceType type, ApiRequest request, ObjectNode object) throws ApiException {
    ApiResponse response = object(type, request, object);
    return new ApiResponse(201, response.contentType(), response.body());
  }

  private static int limit(ApiRequest request) throws ApiException {
    String limit = request.param("limit");
    if (limit == null || limit.isEmpty()) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(limit));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("limit: " + limit + " (expected: a non-negative integer)");
    }
  }
}
