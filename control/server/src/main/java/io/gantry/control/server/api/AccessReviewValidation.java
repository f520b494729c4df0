package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The access reviews' validation, as ValidateSelfSubjectAccessReview, ValidateSubjectAccessReview and
 * ValidateLocalSubjectAccessReview: exactly one of the resource and non-resource attributes, a user or
 * group to ask about (but for the self review), metadata left empty, and a local review kept to its
 * namespace's resources.
 */
final class AccessReviewValidation {

  private record Invalid(String field, String value, String detail) {}

  private AccessReviewValidation() {}

  /** Refuses {@code review} with a 422 listing every error, in upstream's words. */
  static void check(String kind, ObjectNode review) throws ApiException {
    JsonNode spec = review.path("spec");
    List<Invalid> errors = new ArrayList<>();
    boolean resource = spec.path("resourceAttributes").isObject();
    boolean nonResource = spec.path("nonResourceAttributes").isObject();
    if (resource && nonResource) {
      errors.add(new Invalid("spec.nonResourceAttributes", goStruct(spec.path("nonResourceAttributes")),
          "cannot be specified in combination with resourceAttributes"));
    }
    if (!resource && !nonResource) {
      errors.add(new Invalid("spec.resourceAttributes", "\"null\"",
          "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
    }
    boolean self = kind.equals("SelfSubjectAccessReview");
    if (!self && spec.path("user").asText("").isEmpty() && spec.path("groups").isEmpty()) {
      errors.add(new Invalid("spec.user", "\"" + spec.path("user").asText("") + "\"",
          "at least one of user or group must be specified"));
    }
    boolean local = kind.equals("LocalSubjectAccessReview");
    if (!emptyMetadata(review.path("metadata"), local)) {
      errors.add(new Invalid("metadata", "v1.ObjectMeta" + review.path("metadata"),
          local ? "must be empty except for namespace" : "must be empty"));
    }
    if (local) {
      String namespace = review.path("metadata").path("namespace").asText("");
      if (resource && !spec.path("resourceAttributes").path("namespace").asText("").equals(namespace)) {
        errors.add(new Invalid("spec.resourceAttributes.namespace",
            "\"" + spec.path("resourceAttributes").path("namespace").asText("") + "\"", "must match metadata.namespace"));
      }
      if (nonResource) {
        errors.add(new Invalid("spec.nonResourceAttributes", goStruct(spec.path("nonResourceAttributes")),
            "disallowed on this kind of request"));
      }
    }
    if (!errors.isEmpty()) {
      throw invalid(kind, errors);
    }
  }

  /** Whether the metadata holds nothing but zero values (and the namespace, for a local review). */
  private static boolean emptyMetadata(JsonNode metadata, boolean namespaceAllowed) {
    for (Map.Entry<String, JsonNode> field : metadata.properties()) {
      if (field.getKey().equals("managedFields") || namespaceAllowed && field.getKey().equals("namespace")) {
        continue;
      }
      JsonNode value = field.getValue();
      boolean zero = value.isNull() || value.isTextual() && value.asText().isEmpty()
          || value.isContainerNode() && value.isEmpty() || value.isNumber() && value.asLong() == 0
          || value.isBoolean() && !value.asBoolean();
      if (!zero) {
        return false;
      }
    }
    return true;
  }

  /** The attributes as Go's %#v prints the internal struct. */
  private static String goStruct(JsonNode attributes) {
    return "authorization.NonResourceAttributes{Path:\"" + attributes.path("path").asText("") + "\", Verb:\""
        + attributes.path("verb").asText("") + "\"}";
  }

  private static ApiException invalid(String kind, List<Invalid> errors) {
    ObjectNode details = Json.object();
    details.put("group", "authorization.k8s.io");
    details.put("kind", kind);
    ArrayNode causes = details.putArray("causes");
    List<String> messages = new ArrayList<>();
    for (Invalid error : errors) {
      ObjectNode cause = causes.addObject();
      cause.put("reason", "FieldValueInvalid");
      cause.put("message", "Invalid value: " + error.value() + ": " + error.detail());
      cause.put("field", error.field());
      messages.add(error.field() + ": Invalid value: " + error.value() + ": " + error.detail());
    }
    String joined = messages.size() == 1 ? messages.getFirst() : "[" + String.join(", ", messages) + "]";
    return new ApiException(422, "Invalid", kind + ".authorization.k8s.io \"\" is invalid: " + joined, details);
  }
}
