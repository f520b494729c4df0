package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The create-only review resources: {@code SelfSubjectAccessReview} and {@code SelfSubjectRulesReview}
 * ({@code kubectl auth can-i [--list]}), {@code SelfSubjectReview} ({@code kubectl auth whoami}), and
 * {@code SubjectAccessReview} and {@code LocalSubjectAccessReview}, which ask about someone else, and
 * {@code TokenReview}, which checks a bearer token ({@link TokenReviews}). Gantry authenticates the admin
 * token's identity and ServiceAccounts' tokens, and authorizes as kube-apiserver with AlwaysAllow: every
 * access review is allowed; nothing is stored.
 */
final class AccessReviews {

  /** One review resource, as discovery lists it. */
  record Review(String groupVersion, String plural, String kind, boolean namespaced) {

    /**
     * The namespace when {@code path} is this review's collection ({@code ""} for a cluster one), as
     * {@code /apis/GV/PLURAL} or {@code /apis/GV/namespaces/NS/PLURAL}.
     */
    Optional<String> namespaceIn(String path) {
      String prefix = "/apis/" + groupVersion + "/";
      if (!namespaced) {
        return path.equals(prefix + plural) ? Optional.of("") : Optional.empty();
      }
      if (!path.startsWith(prefix + "namespaces/") || !path.endsWith("/" + plural)) {
        return Optional.empty();
      }
      String namespace = path.substring((prefix + "namespaces/").length(), path.length() - plural.length() - 1);
      return namespace.isEmpty() || namespace.contains("/") ? Optional.empty() : Optional.of(namespace);
    }
  }

  static final List<Review> ALL = List.of(
      new Review("authentication.k8s.io/v1", "selfsubjectreviews", "SelfSubjectReview", false),
      new Review("authentication.k8s.io/v1", "tokenreviews", "TokenReview", false),
      new Review("authorization.k8s.io/v1", "localsubjectaccessreviews", "LocalSubjectAccessReview", true),
      new Review("authorization.k8s.io/v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false),
      new Review("authorization.k8s.io/v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false),
      new Review("authorization.k8s.io/v1", "subjectaccessreviews", "SubjectAccessReview", false));

  static final String USERNAME = "admin";
  static final List<String> GROUPS = List.of("system:masters", "system:authenticated");

  private AccessReviews() {}

  /** The review whose collection {@code path} is, with the path's namespace. */
  static Optional<Map.Entry<Review, String>> at(String path) {
    for (Review review : ALL) {
      Optional<String> namespace = review.namespaceIn(path);
      if (namespace.isPresent()) {
        return Optional.of(Map.entry(review, namespace.get()));
      }
    }
    return Optional.empty();
  }

  /** Answers {@code request} to {@code review}; {@code tokenReviews} authenticates the tokens of TokenReviews. */
  static ApiResponse handle(Review review, String namespace, ApiRequest request, TokenReviews tokenReviews)
      throws ApiException {
    if (!request.method().equals("POST")) {
      throw ApiException.methodNotAllowed(request.method() + " is not allowed on " + review.plural()
          + " (expected: POST; reviews are only created)");
    }
    if (!request.acceptsPlainObjects()) {
      // kube-apiserver's reviews have no table convertor: a Table or metadata-only answer is not acceptable
      throw ApiException.notAcceptable();
    }
    ObjectNode body = RequestBodies.object(request);
    String apiVersion = body.path("apiVersion").asText("");
    String kind = body.path("kind").asText("");
    if ((!apiVersion.isEmpty() && !apiVersion.equals(review.groupVersion())) || (!kind.isEmpty()
        && !kind.equals(review.kind()))) {
      throw ApiException.badRequest("the body of " + review.plural() + " must be a " + review.groupVersion() + " "
          + review.kind() + ", not " + apiVersion + " " + kind);
    }
    if (review.namespaced()) {
      String given = body.path("metadata").path("namespace").asText("");
      if (!given.isEmpty() && !given.equals(namespace)) {
        throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on"
            + " the request");
      }
      body.withObjectProperty("metadata").put("namespace", namespace);
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
        if (request.user() != null) {
          TokenReviews.write(request.user(), user);
        } else {
          user.put("username", USERNAME);
          ArrayNode groups = user.putArray("groups");
          GROUPS.forEach(groups::add);
        }
      }
      case "TokenReview" -> tokenReviews.review(spec, status);
      case "SelfSubjectAccessReview", "SubjectAccessReview", "LocalSubjectAccessReview" -> {
        AccessReviewValidation.check(review.kind(), body);
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
