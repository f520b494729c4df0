package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;

/**
 * A request that cannot be served, carrying the Kubernetes {@code Status} kubectl prints:
 * {@code Error from server (<reason>): <message>}.
 */
public final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int code;
  private final String reason;
  private final transient ObjectNode details;
  private final String continueToken;

  public ApiException(int code, String reason, String message, ObjectNode details) {
    this(code, reason, message, details, null);
  }

  private ApiException(int code, String reason, String message, ObjectNode details, String continueToken) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.continueToken = continueToken;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /**
   * This refusal about an object named {@code shown} rather than {@code named}: admission refuses an
   * object before kube-apiserver generates its name, so the message names the {@code generateName}.
   */
  public ApiException naming(String named, String shown) {
    if (named.equals(shown)) {
      return this;
    }
    ObjectNode renamed = details == null ? null : details.deepCopy();
    if (renamed != null && renamed.has("name")) {
      renamed.put("name", shown);
    }
    return new ApiException(code, reason, getMessage().replace("\"" + named + "\"", "\"" + shown + "\""), renamed);
  }

  /** Whether the details name a cause with this reason (client-go's {@code HasStatusCause}). */
  public boolean hasCause(String causeReason) {
    if (details != null) {
      for (JsonNode cause : details.path("causes")) {
        if (cause.path("reason").asText().equals(causeReason)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The {@code Status} object for the response body. */
  public ObjectNode toStatus() {
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    ObjectNode metadata = status.putObject("metadata");
    if (continueToken != null) {
      metadata.put("continue", continueToken);
    }
    status.put("status", "Failure");
    status.put("message", getMessage());
    if (!reason.isEmpty()) {
      status.put("reason", reason);
    }
    if (details != null) {
      status.set("details", details);
    }
    status.put("code", code);
    return status;
  }

  public static ApiException notFound(ResourceType type, String name) {
    return new ApiException(404, "NotFound", type.qualifiedName() + " \"" + name + "\" not found", details(type, name));
  }

  public static ApiException alreadyExists(ResourceType type, String name) {
    return new ApiException(409, "AlreadyExists", type.qualifiedName() + " \"" + name + "\" already exists", details(type, name));
  }

  public static ApiException conflict(ResourceType type, String name, String why) {
    return new ApiException(409, "Conflict",
        "Operation cannot be fulfilled on " + type.qualifiedName() + " \"" + name + "\": " + why, details(type, name));
  }

  /** 400, as kube-apiserver's checkName: a body naming another object than the URL. */
  public static ApiException nameMismatch(String given, String url) {
    return badRequest("the name of the object (" + given + ") does not match the name on the URL (" + url + ")");
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message, null);
  }

  public static ApiException invalid(ResourceType type, String name, String message, ObjectNode details) {
    return new ApiException(422, "Invalid", message, details);
  }

  public static ApiException forbidden(ResourceType type, String name, String why) {
    return new ApiException(403, "Forbidden",
        type.qualifiedName() + " \"" + name + "\" is forbidden: " + why, details(type, name));
  }

  /**
   * The NamespaceLifecycle admission plugin's 403 for a create in a terminating namespace, with the
   * {@code NamespaceTerminating} cause that client-go's {@code HasStatusCause} looks for.
   */
  public static ApiException namespaceTerminating(ResourceType type, String name, String namespace) {
    ObjectNode details = details(type, name);
    ObjectNode cause = details.putArray("causes").addObject();
    cause.put("reason", "NamespaceTerminating");
    cause.put("message", "namespace " + namespace + " is being terminated");
    cause.put("field", "metadata.namespace");
    return new ApiException(403, "Forbidden", type.qualifiedName() + " \"" + name + "\" is forbidden: unable to"
        + " create new content in namespace " + namespace + " because it is being terminated", details);
  }

  public static ApiException methodNotAllowed(String message) {
    return new ApiException(405, "MethodNotAllowed", message, null);
  }

  public static ApiException unsupportedMediaType(String contentType) {
    return new ApiException(415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json, "
            + "application/yaml, application/vnd.kubernetes.protobuf (got " + contentType + ")", null);
  }

  /** A PATCH whose Content-Type is not one of the four patch types. */
  public static ApiException unsupportedPatchType(String contentType) {
    return new ApiException(415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
            + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
            + "application/strategic-merge-patch+json (got " + contentType + ")", null);
  }

  public static ApiException gone(String message) {
    return new ApiException(410, "Expired", message, null);
  }

  /** A 410 whose Status carries a token to list the rest with (kube-apiserver's inconsistent continue). */
  public static ApiException gone(String message, String continueToken) {
    return new ApiException(410, "Expired", message, null, continueToken);
  }

  /** kube-apiserver's 406 when the Accept header names no media type the endpoint can answer with. */
  public static ApiException notAcceptable() {
    return new ApiException(406, "NotAcceptable", "only the following media types are accepted: "
        + "application/json, application/yaml, application/vnd.kubernetes.protobuf", null);
  }

  public static ApiException unauthorized() {
    return new ApiException(401, "Unauthorized", "Unauthorized", null);
  }

  public static ApiException pathNotFound() {
    return new ApiException(404, "NotFound", "the server could not find the requested resource", null);
  }

  public static ApiException internal(String message) {
    return new ApiException(500, "InternalError", "Internal error occurred: " + message, null);
  }

  private static ObjectNode details(ResourceType type, String name) {
    ObjectNode details = Json.object();
    details.put("name", name);
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.plural());
    return details;
  }
}
