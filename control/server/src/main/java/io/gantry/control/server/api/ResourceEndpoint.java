package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.auth.ServiceAccountTokens;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.patch.PatchException;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.patch.Patches;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ListResult;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.PriorityClasses;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.table.TableConverter;
import java.util.ArrayList;
import java.util.List;

/** The REST verbs on one resource path: get, list, create, update, patch, delete, deletecollection. */
final class ResourceEndpoint {

  private final ObjectRegistry registry;
  private final ScaleSubresource scale;
  /** kube-apiserver's maxJSONPatchOperations. */
  static final int MAX_JSON_PATCH_OPERATIONS = 10_000;

  private final PodLogs logs;

  /** The kinds whose strategies allow create on update: a PUT to a missing one creates it (201). */
  private static final java.util.Set<ResourceType> CREATED_BY_PUT =
      java.util.Set.of(ResourceTypes.ENDPOINTS, ResourceTypes.EVENTS, ResourceTypes.EVENTS_V1, ResourceTypes.LEASES);

  private final ServiceAccountTokens tokens;

  /** @param nodeAuthorization the {@code Authorization} value for node agents, or null */
  ResourceEndpoint(ObjectRegistry registry, String nodeAuthorization, ServiceAccountTokens tokens) {
    this.registry = registry;
    this.tokens = tokens;
    this.scale = new ScaleSubresource(registry);
    this.logs = new PodLogs(registry, nodeAuthorization);
  }

  PodLogs logs() {
    return logs;
  }

  ApiResponse handle(ResourcePath path, ApiRequest request) throws ApiException {
    ResourceType type = path.type();
    if ("scale".equals(path.subresource())) {
      return scale.handle(path, request, request.method().equals("GET") ? registry
          : writer(request, request.method().equals("PUT") ? "UpdateOptions" : "PatchOptions", null));
    }
    if ("log".equals(path.subresource()) && type.plural().equals("pods")) {
      return logs.handle(path, request);
    }
    if ("eviction".equals(path.subresource())) {
      return PodEviction.handle(path, request, registry.forRequest(FieldManagers.of(request)));
    }
    if ("token".equals(path.subresource())) {
      return TokenRequests.handle(path, request, registry, tokens);
    }
    if ("binding".equals(path.subresource()) && request.method().equals("POST")) {
      return bound(path, request, writer(request, "CreateOptions", null));
    }
    if ("finalize".equals(path.subresource()) && !request.method().equals("PUT")) {
      throw ApiException.methodNotAllowed(request.method() + " is not allowed on namespaces/finalize");
    }
    if (path.subresource() != null && !path.subresource().equals("status") && !path.subresource().equals("finalize")) {
      throw new ApiException(501, "NotImplemented",
          "the " + path.subresource() + " subresource of " + type.plural() + " is not served yet", null);
    }
    String namespace = type.namespaced() ? path.namespace() : null;
    if (path.name() == null) {
      return switch (request.method()) {
        case "GET" -> list(path, request);
        case "POST" -> {
          requireNamespaceForWrites(path);
          ObjectNode body = RequestBodies.object(request);
          requireNoResourceVersion(body);
          List<String> warnings = FieldValidation.of(request, "CreateOptions").checkObject(type, body, request);
          yield created(type, request, writer(request, "CreateOptions", null)
              .create(type, writeNamespace(path), body)).withWarnings(warnings);
        }
        case "DELETE" -> {
          requireNamespaceForWrites(path);
          if (type == ResourceTypes.NAMESPACES) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
          }
          yield deleteCollection(path, request);
        }
        default -> throw ApiException.methodNotAllowed(request.method() + " is not allowed on a collection");
      };
    }
    if (type.readOnly() && !request.method().equals("GET")) {
      throw ApiException.methodNotAllowed(type.plural() + " are maintained by the server and are read-only");
    }
    return switch (request.method()) {
      case "GET" -> {
        ListOptionsCheck.awaitForGet(request, registry.store());
        yield object(type, request, registry.get(type, namespace, path.name()));
      }
      case "PUT" -> {
        ObjectNode body = RequestBodies.object(request);
        List<String> warnings = FieldValidation.of(request, "UpdateOptions").checkObject(type, body, request);
        ObjectRegistry target = writer(request, "UpdateOptions", null);
        if (path.subresource() == null && CREATED_BY_PUT.contains(type)
            && registry.find(type, namespace, path.name()).isEmpty()) {
          yield created(type, request, target.create(type, namespace, named(body, path.name()))).withWarnings(warnings);
        }
        yield written(type, request, target.update(type, namespace, path.name(), body, path.subresource()))
            .withWarnings(warnings);
      }
      case "PATCH" -> patch(path, request);
      case "DELETE" -> {
        JsonNode body = RequestBodies.tree(request);
        if (type == ResourceTypes.PRIORITYCLASSES && PriorityClasses.SYSTEM.containsKey(path.name())) {
          // the PriorityClass storage's Delete; a DeleteCollection passes it, and the bootstrap puts them back
          throw ApiException.forbidden(type, path.name(), "this is a system priority class and cannot be deleted");
        }
        yield deleted(type, request, writer(request, "DeleteOptions", body).delete(type, namespace, path.name(),
            deleteOptions(request, body)));
      }
      default -> throw ApiException.methodNotAllowed(request.method() + " is not allowed on " + type.plural());
    };
  }

  /**
   * What a DELETE answers, as kube-apiserver's generic store: the object while it stays (marked for
   * deletion), and once it is gone a Success {@code Status} naming it (with its uid, so a client can
   * tell it was really deleted), except for the kinds whose storage returns the deleted object
   * (pods, services, namespaces).
   */
  private ApiResponse deleted(ResourceType type, ApiRequest request, ObjectNode object) throws ApiException {
    boolean returnsObject = type == ResourceTypes.PODS || type == ResourceTypes.SERVICES
        || type == ResourceTypes.NAMESPACES;
    if (returnsObject || object.path("metadata").has("deletionTimestamp")) {
      return object(type, request, object);
    }
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Success");
    ObjectNode details = status.putObject("details");
    details.put("name", object.path("metadata").path("name").asText());
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.plural());
    details.put("uid", object.path("metadata").path("uid").asText());
    return ApiResponse.json(200, status);
  }

  /** The all-namespaces collection of a namespaced kind only lists and watches, as kube-apiserver routes it. */
  private static void requireNamespaceForWrites(ResourcePath path) throws ApiException {
    if (path.type().namespaced() && path.namespace() == null) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
  }

  /**
   * The options of a DELETE, from its body and query (a {@code propagationPolicy} may come as a
   * query parameter too), refused as kube-apiserver refuses them: a malformed grace period is 400,
   * an unknown propagation policy 422.
   */
  private static DeleteOptions deleteOptions(ApiRequest request, JsonNode body) throws ApiException {
    DeleteOptions options;
    try {
      options = DeleteOptions.from(body, request.param("gracePeriodSeconds"));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("gracePeriodSeconds: " + request.param("gracePeriodSeconds")
          + " (expected: an integer)");
    }
    String queried = request.param("propagationPolicy");
    if (options.propagationPolicy() == null && queried != null && !queried.isEmpty()) {
      options = new DeleteOptions(options.gracePeriodSeconds(), options.preconditionUid(),
          options.preconditionVersion(), queried);
    }
    String policy = options.propagationPolicy();
    boolean bothSet = body != null && body.hasNonNull("orphanDependents")
        && (body.hasNonNull("propagationPolicy") || queried != null && !queried.isEmpty());
    if (bothSet) {
      String given = body.hasNonNull("propagationPolicy") ? body.get("propagationPolicy").asText() : queried;
      throw invalidDeleteOptions("Invalid value: \"" + given + "\": orphanDependents and deletionPropagation cannot"
          + " be both set", "FieldValueInvalid");
    }
    if (policy != null && !policy.equals("Orphan") && !policy.equals("Background") && !policy.equals("Foreground")) {
      throw invalidDeleteOptions("Unsupported value: \"" + policy + "\": supported values: \"Foreground\", "
          + "\"Background\", \"Orphan\", \"nil\"", "FieldValueNotSupported");
    }
    return options;
  }

  /** ValidateDeleteOptions' 422, about {@code propagationPolicy}. */
  private static ApiException invalidDeleteOptions(String detail, String reason) {
    ObjectNode details = Json.object();
    details.put("group", "meta.k8s.io");
    details.put("kind", "DeleteOptions");
    ObjectNode cause = details.putArray("causes").addObject();
    cause.put("reason", reason);
    cause.put("message", detail);
    cause.put("field", "propagationPolicy");
    return new ApiException(422, "Invalid", "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: " + detail,
        details);
  }

  /**
   * The registry that serves a write, as the request's field manager, committing nothing when the
   * request asks for a dry run.
   */
  private ObjectRegistry writer(ApiRequest request, String optionsKind, JsonNode deleteOptions) throws ApiException {
    ObjectRegistry writer = registry.forRequest(FieldManagers.of(request));
    return DryRun.requested(request, optionsKind, deleteOptions) ? writer.dryRun() : writer;
  }

  /** POST pods/{name}/binding, as the scheduler does: 201 with a Success Status. */
  private ApiResponse bound(ResourcePath path, ApiRequest request, ObjectRegistry target) throws ApiException {
    target.bind(writeNamespace(path), path.name(), RequestBodies.object(request));
    return ApiResponse.createdSuccess();
  }

  /** The body of a PUT that creates: named by the URL, which a different name in the body contradicts. */
  private static ObjectNode named(ObjectNode body, String name) throws ApiException {
    String given = body.path("metadata").path("name").asText("");
    if (!given.isEmpty() && !given.equals(name)) {
      throw ApiException.nameMismatch(given, name);
    }
    requireNoResourceVersion(body);
    ObjectNode copy = body.deepCopy();
    copy.withObjectProperty("metadata").put("name", name);
    return copy;
  }

  /**
   * kube-apiserver's storage refuses a create that names a version, with a reason-less 500 that
   * kubectl prints as {@code Error from server: resourceVersion should not be set on objects to be created}.
   */
  static void requireNoResourceVersion(JsonNode object) throws ApiException {
    if (!object.path("metadata").path("resourceVersion").asText("").isEmpty()) {
      throw new ApiException(500, "", "resourceVersion should not be set on objects to be created", null);
    }
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
        .orElseThrow(() -> ApiException.unsupportedPatchType(request.contentType()));
    JsonNode patch;
    try {
      patch = patchType == PatchType.APPLY_PATCH ? Patches.parseApplyBody(request.body()) : Json.parse(request.body());
    } catch (PatchException | java.io.IOException e) {
      throw ApiException.badRequest("the patch could not be decoded: " + e.getMessage());
    }
    if (patchType == PatchType.JSON_PATCH && patch.isNull()) {
      patch = Json.MAPPER.createArrayNode(); // Go decodes null into an empty patch
    }
    if (patchType == PatchType.JSON_PATCH && !patch.isArray()) { // jsonpatch.DecodePatch fails: a bad request
      throw ApiException.badRequest("json: cannot unmarshal " + (patch.isObject() ? "object" : patch.isTextual()
          ? "string" : patch.isBoolean() ? "bool" : "number") + " into Go value of type jsonpatch.Patch");
    }
    if (patchType == PatchType.JSON_PATCH && patch.size() > MAX_JSON_PATCH_OPERATIONS) {
      throw new ApiException(413, "RequestEntityTooLarge", "Request entity too large: The allowed maximum operations"
          + " in a JSON patch is " + MAX_JSON_PATCH_OPERATIONS + ", got " + patch.size(), null);
    }
    String namespace = type.namespaced() ? writeNamespace(path) : null;
    List<String> warnings = checkPatch(FieldValidation.of(request, "PatchOptions"), request, type, namespace, path.name(), patchType,
        patch);
    boolean apply = patchType == PatchType.APPLY_PATCH;
    String manager = apply ? FieldManagers.ofApply(request) : FieldManagers.of(request);
    boolean force = FieldManagers.force(request, apply);
    ObjectRegistry.PatchOutcome outcome = writer(request, "PatchOptions", null).as(manager)
        .patch(type, namespace, path.name(), patchType, patch, path.subresource(), null, force);
    ApiResponse response = written(type, request, outcome.object()).withWarnings(warnings);
    return outcome.created() ? response.withStatus(201) : response;
  }

  /**
   * An applied configuration is checked as the object it describes; other patches by what they
   * make of the current object.
   */
  private List<String> checkPatch(FieldValidation validation, ApiRequest request, ResourceType type,
      String namespace, String name, PatchType patchType, JsonNode patch) throws ApiException {
    if (patchType == PatchType.APPLY_PATCH) {
      return validation.checkObject(type, patch, request);
    }
    ObjectNode current;
    JsonNode patched;
    try {
      current = registry.get(type, namespace, name);
      patched = Patches.apply(patchType, type, current, patch);
    } catch (ApiException | PatchException e) {
      // the registry reports the missing object or the patch: until then, judge the patch's own fields
      return patch instanceof ObjectNode object
          ? validation.checkObject(type, FieldValidation.withoutDirectives(object), request)
          : List.of();
    }
    return validation.checkPatched(type, current, patched, request);
  }

  private ApiResponse list(ResourcePath path, ApiRequest request) throws ApiException {
    ResourceType type = path.type();
    ListOptionsCheck.validate(request, false);
    int limit = limit(request);
    if ("0".equals(request.param("resourceVersion")) && (request.param("continue") == null
        || request.param("continue").isEmpty())) {
      limit = 0; // served whole, as kube-apiserver's watch cache answers resourceVersion=0, ignoring the limit
    }
    long revision = ListOptionsCheck.listRevision(request, registry.store(), limit);
    ListResult result = registry.list(type, type.namespaced() ? path.namespace() : null,
        Selectors.labels(request), Selectors.fields(type, request), limit, request.param("continue"), revision);
    if (request.wantsTable()) {
      ObjectNode table = TableConverter.table(type, result.items(), Long.toString(result.resourceVersion()),
          Selectors.includeObject(request), true, registry.clock().instant());
      if (result.continueToken() != null) {
        ((ObjectNode) table.get("metadata")).put("continue", result.continueToken());
      }
      if (result.remaining() != null) {
        ((ObjectNode) table.get("metadata")).put("remainingItemCount", result.remaining());
      }
      return ApiResponse.json(200, table);
    }
    boolean partial = request.wantsPartialMetadata();
    ObjectNode list = Json.object();
    list.put("kind", partial ? "PartialObjectMetadataList" : type.kind() + "List");
    list.put("apiVersion", partial ? "meta.k8s.io/v1" : type.apiVersion());
    ObjectNode metadata = list.putObject("metadata");
    metadata.put("resourceVersion", Long.toString(result.resourceVersion()));
    if (result.continueToken() != null) {
      metadata.put("continue", result.continueToken());
    }
    if (result.remaining() != null) {
      metadata.put("remainingItemCount", result.remaining());
    }
    ArrayNode items = list.putArray("items");
    result.items().forEach(item -> items.add(partial ? TableConverter.partialObjectMetadata(item) : item));
    return ApiResponse.json(200, list);
  }

  private ApiResponse deleteCollection(ResourcePath path, ApiRequest request) throws ApiException {
    ResourceType type = path.type();
    String namespace = type.namespaced() ? path.namespace() : null;
    JsonNode body = RequestBodies.tree(request);
    DeleteOptions options = deleteOptions(request, body);
    ObjectRegistry target = writer(request, "DeleteOptions", body);
    ListResult all = registry.list(type, namespace, Selectors.labels(request), Selectors.fields(type, request), 0, null);
    List<ObjectNode> deleted = new ArrayList<>();
    for (ObjectNode object : all.items()) {
      String ns = type.namespaced() ? object.path("metadata").path("namespace").asText() : null;
      try {
        deleted.add(target.delete(type, ns, object.path("metadata").path("name").asText(), options));
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
      // a single object's Table has its resourceVersion, as upstream's DefaultTableConvertor
      return ApiResponse.json(200, TableConverter.table(type, List.of(object),
          ObjectMeta.text(object, "resourceVersion"), Selectors.includeObject(request), true,
          registry.clock().instant()));
    }
    if (request.wantsPartialMetadata()) {
      return ApiResponse.json(200, TableConverter.partialObjectMetadata(object));
    }
    return ApiResponse.json(200, object);
  }

  private ApiResponse created(ResourceType type, ApiRequest request, ObjectNode object) throws ApiException {
    return written(type, request, object).withStatus(201);
  }

  /** The answer to a write: the object, with the warnings kube-apiserver gives about what it holds. */
  private ApiResponse written(ResourceType type, ApiRequest request, ObjectNode object) throws ApiException {
    return object(type, request, object).withWarnings(ServiceWarnings.of(type, object))
        .withWarnings(PodWarnings.of(type, object));
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
