package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.auth.ServiceAccountTokens;
import io.gantry.control.server.auth.ServiceAccountTokens.Ref;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST serviceaccounts/{name}/token} with an {@code authentication.k8s.io/v1 TokenRequest}, as
 * {@code kubectl create token} sends it, after kube-apiserver's TokenREST: the ServiceAccount must
 * exist (404), {@code spec.expirationSeconds} defaults to 3600 and must lie between 10 minutes and
 * 2^32 seconds (422, ValidateTokenRequest), {@code spec.audiences} default to the API audiences, and
 * {@code spec.boundObjectRef} may name a Pod running as that ServiceAccount, a Secret or a Node, which
 * must exist with the given uid. The answer is 201 with the request, {@code status.token} and {@code
 * status.expirationTimestamp}; nothing is stored.
 */
final class TokenRequests {
  static final String GROUP_VERSION = "authentication.k8s.io/v1";
  private static final long DEFAULT_EXPIRATION_SECONDS = 60 * 60;
  private static final long MIN_EXPIRATION_SECONDS = 10 * 60;
  private static final long MAX_EXPIRATION_SECONDS = 1L << 32;
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssX")
      .withZone(ZoneOffset.UTC);

  private TokenRequests() {}

  static ApiResponse handle(ResourcePath path, ApiRequest request, ObjectRegistry registry,
      ServiceAccountTokens tokens) throws ApiException {
    if (!request.method().equals("POST")) {
      throw ApiException.methodNotAllowed(request.method() + " is not allowed on serviceaccounts/token"
          + " (expected: POST)");
    }
    ObjectNode body = RequestBodies.object(request);
    String apiVersion = body.path("apiVersion").asText("");
    String kind = body.path("kind").asText("");
    if ((!apiVersion.isEmpty() && !apiVersion.equals(GROUP_VERSION)) || (!kind.isEmpty()
        && !kind.equals("TokenRequest"))) {
      throw ApiException.badRequest("the body of serviceaccounts/token must be a " + GROUP_VERSION
          + " TokenRequest, not " + apiVersion + " " + kind);
    }
    String namespace = path.namespaceOrDefault();
    String name = path.name();
    ObjectNode metadata = body.path("metadata").isObject() ? (ObjectNode) body.get("metadata") : Json.object();
    String givenName = metadata.path("name").asText("");
    if (!givenName.isEmpty() && !givenName.equals(name)) {
      throw invalid(name, "metadata.name", quoted(givenName), "must match the service account name if specified");
    }
    String givenNamespace = metadata.path("namespace").asText("");
    if (!givenNamespace.isEmpty() && !givenNamespace.equals(namespace)) {
      throw invalid(name, "metadata.namespace", quoted(givenNamespace),
          "must match the service account namespace if specified");
    }
    ObjectNode serviceAccount = registry.get(ResourceTypes.SERVICEACCOUNTS, namespace, name);
    ObjectNode spec = body.path("spec").isObject() ? (ObjectNode) body.get("spec") : body.putObject("spec");
    List<String> audiences = new ArrayList<>();
    spec.path("audiences").forEach(audience -> audiences.add(audience.asText()));
    if (audiences.isEmpty()) {
      audiences.addAll(tokens.apiAudiences());
    }
    JsonNode expirationNode = spec.get("expirationSeconds");
    long expirationSeconds = expirationNode == null || expirationNode.isNull() ? DEFAULT_EXPIRATION_SECONDS
        : expirationNode.asLong();
    Instant now = tokens.clock().instant();
    if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
      throw invalid("", "spec.expirationSeconds", Long.toString(expirationSeconds),
          "may not specify a duration less than 10 minutes");
    }
    if (expirationSeconds > MAX_EXPIRATION_SECONDS) {
      throw invalid("", "spec.expirationSeconds", Long.toString(expirationSeconds),
          "may not specify a duration larger than 2^32 seconds");
    }
    Bound bound = bind(spec.get("boundObjectRef"), namespace, name, registry);
    long tokenSeconds = expirationSeconds;
    long warnAfter = 0;
    if (bound.pod() != null && expirationSeconds == ServiceAccountTokens.WARN_ONLY_BOUND_EXPIRATION_SECONDS
        && tokens.apiAudiences().containsAll(audiences)) {
      // --service-account-extend-token-expiration (on by default): the kubelet's tokens live a year and warn after
      warnAfter = expirationSeconds;
      tokenSeconds = ServiceAccountTokens.EXTENDED_EXPIRATION_SECONDS;
    }
    String token = tokens.issue(serviceAccount, bound.pod(), bound.secret(), bound.node(), tokenSeconds, warnAfter,
        audiences, now);

    ObjectNode answer = Json.object();
    answer.put("kind", "TokenRequest");
    answer.put("apiVersion", GROUP_VERSION);
    ObjectNode outMeta = answer.putObject("metadata");
    outMeta.put("name", name);
    outMeta.put("namespace", namespace);
    outMeta.put("creationTimestamp", RFC3339.format(now));
    ObjectNode outSpec = answer.putObject("spec");
    ArrayNode outAudiences = outSpec.putArray("audiences");
    audiences.forEach(outAudiences::add);
    outSpec.put("expirationSeconds", expirationSeconds);
    if (spec.get("boundObjectRef") instanceof ObjectNode ref) {
      outSpec.set("boundObjectRef", ref);
    }
    ObjectNode status = answer.putObject("status");
    status.put("token", token);
    status.put("expirationTimestamp", RFC3339.format(now.plusSeconds(expirationSeconds)));
    return ApiResponse.json(201, answer);
  }

  /** The objects a token is bound to: at most one of pod, secret and node, or a pod and its node. */
  private record Bound(Ref pod, Ref secret, Ref node) {}

  private static Bound bind(JsonNode ref, String namespace, String serviceAccount, ObjectRegistry registry)
      throws ApiException {
    if (ref == null || !ref.isObject()) {
      return new Bound(null, null, null);
    }
    String apiVersion = ref.path("apiVersion").asText("");
    String kind = ref.path("kind").asText("");
    String name = ref.path("name").asText("");
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
    Bound bound;
    String uid;
    switch (group.isEmpty() ? kind : "") {
      case "Pod" -> {
        ObjectNode pod = registry.get(ResourceTypes.PODS, namespace, name);
        if (!serviceAccount.equals(pod.path("spec").path("serviceAccountName").asText(""))) {
          throw ApiException.badRequest("cannot bind token for serviceaccount \"" + serviceAccount
              + "\" to pod running with different serviceaccount name.");
        }
        uid = uid(pod);
        String nodeName = pod.path("spec").path("nodeName").asText("");
        Ref node = null;
        if (!nodeName.isEmpty()) {
          // a missing node still leaves its name in the claims
          Optional<ObjectNode> found = registry.find(ResourceTypes.NODES, null, nodeName);
          node = new Ref(nodeName, found.map(TokenRequests::uid).orElse(""));
        }
        bound = new Bound(new Ref(name, uid), null, node);
      }
      case "Secret" -> {
        uid = uid(registry.get(ResourceTypes.SECRETS, namespace, name));
        bound = new Bound(null, new Ref(name, uid), null);
      }
      case "Node" -> {
        uid = uid(registry.get(ResourceTypes.NODES, null, name));
        bound = new Bound(null, null, new Ref(name, uid));
      }
      default -> throw ApiException.badRequest("cannot bind token to object of type " + group + "/" + version
          + ", Kind=" + kind);
    }
    String givenUid = ref.path("uid").asText("");
    if (!givenUid.isEmpty() && !givenUid.equals(uid)) {
      throw new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + kind + " \"" + name
          + "\": the UID in the bound object reference (" + givenUid + ") does not match the UID in record. The"
          + " object might have been deleted and then recreated", details(kind, name));
    }
    return bound;
  }

  private static String uid(ObjectNode object) {
    return object.path("metadata").path("uid").asText("");
  }

  private static ObjectNode details(String kind, String name) {
    ObjectNode details = Json.object();
    details.put("name", name);
    details.put("kind", kind);
    return details;
  }

  /** errors.NewInvalid on the TokenRequest kind with one Invalid-value cause. */
  private static ApiException invalid(String name, String field, String value, String detail) {
    ObjectNode details = Json.object();
    details.put("name", name);
    details.put("group", "authentication.k8s.io");
    details.put("kind", "TokenRequest");
    ObjectNode cause = details.putArray("causes").addObject();
    cause.put("reason", "FieldValueInvalid");
    cause.put("message", "Invalid value: " + value + ": " + detail);
    cause.put("field", field);
    return new ApiException(422, "Invalid", "TokenRequest.authentication.k8s.io \"" + name + "\" is invalid: "
        + field + ": Invalid value: " + value + ": " + detail, details);
  }

  /** Go's {@code %q}, as field errors print a string value. */
  private static String quoted(String value) {
    return Json.string(Json.MAPPER.getNodeFactory().textNode(value));
  }
}
