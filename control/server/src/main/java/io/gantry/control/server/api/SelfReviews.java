package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.util.List;
import java.util.Optional;

/**
 * The create-only review resources a client asks about itself: {@code SelfSubjectAccessReview} and
 * {@code SelfSubjectRulesReview} ({@code kubectl auth can-i [--list]}) and
 * {@code SelfSubjectReview} ({@code kubectl auth whoami}). Gantry authenticates one identity, the
 * admin token's, which may do everything, as {@code system:masters} may on kube-apiserver; nothing is
 * stored.
 */
final class SelfReviews {

  /** One review resource, as discovery lists it. */
  record Review(String groupVersion, String plural, String kind) {

    String path() {
      return "/apis/" + groupVersion + "/" + plural;
    }
  }

  static final List<Review> ALL = List.of(
      new Review("authentication.k8s.io/v1", "selfsubjectreviews", "SelfSubjectReview"),
      new Review("authorization.k8s.io/v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview"),
      new Review("authorization.k8s.io/v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview"));

  static final String USERNAME = "admin";
  static final List<String> GROUPS = List.of("system:masters", "system:authenticated");

  private SelfReviews() {}

  static Optional<Review> at(String path) {
    return ALL.stream().filter(review -> review.path().equals(path)).findFirst();
  }

  static ApiResponse handle(Review review, ApiRequest request) throws ApiException {
    if (!request.method().equals("POST")) {
      throw ApiException.methodNotAllowed(request.method() + " is not allowed on " + review.plural()
          + " (expected: POST; reviews are only created)");
    }
    ObjectNode body = RequestBodies.object(request);
    String apiVersion = body.path("apiVersion").asText("");
    String kind = body.path("kind").asText("");
    if ((!apiVersion.isEmpty() && !apiVersion.equals(review.groupVersion())) || (!kind.isEmpty()
        && !kind.equals(review.kind()))) {
      throw ApiException.badRequest("the body of " + review.plural() + " must be a " + review.groupVersion() + " "
          + review.kind() + ", not " + apiVersion + " " + kind);
    }
    ObjectNode answer = Json.object();
    answer.put("kind", review.kind());
    answer.put("apiVersion", review.groupVersion());
    answer.set("metadata", body.path("metadata").isObject() ? body.get("metadata") : Json.object());
    JsonNode spec = body.path("spec");
    if (!review.kind().equals("SelfSubjectReview")) {
      answer.set("spec", spec.isObject() ? spec : Json.object());
    }
    ObjectNode status = answer.putObject("status");
    switch (review.kind()) {
      case "SelfSubjectReview" -> {
        ObjectNode user = status.putObject("userInfo");
        user.put("username", USERNAME);
        ArrayNode groups = user.putArray("groups");
        GROUPS.forEach(groups::add);
      }
      case "SelfSubjectAccessReview" -> {
        boolean resource = spec.path("resourceAttributes").isObject();
        boolean nonResource = spec.path("nonResourceAttributes").isObject();
        if (resource == nonResource) {
          String field = resource ? "spec.nonResourceAttributes" : "spec.resourceAttributes";
          String why = resource ? "cannot be specified in combination with resourceAttributes"
              : "exactly one of nonResourceAttributes or resourceAttributes must be specified";
          ObjectNode details = Json.object();
          details.put("group", "authorization.k8s.io");
          details.put("kind", review.kind());
          ObjectNode cause = details.putArray("causes").addObject();
          cause.put("reason", "FieldValueInvalid");
          cause.put("message", "Invalid value: \"null\": " + why);
          cause.put("field", field);
          throw new ApiException(422, "Invalid", review.kind() + ".authorization.k8s.io \"\" is invalid: " + field
              + ": Invalid value: \"null\": " + why, details);
        }
        status.put("allowed", true);
      }
      default -> {
        ObjectNode resourceRule = status.putArray("resourceRules").addObject();
        resourceRule.putArray("verbs").add("*");
        resourceRule.putArray("apiGroups").add("*");
        resourceRule.putArray("resources").add("*");
        ObjectNode nonResourceRule = status.putArray("nonResourceRules").addObject();
        nonResourceRule.putArray("verbs").add("*");
        nonResourceRule.putArray("nonResourceURLs").add("*");
        status.put("incomplete", false);
      }
    }
    return ApiResponse.json(201, answer);
  }
}
