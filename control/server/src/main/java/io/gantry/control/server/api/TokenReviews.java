package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.auth.ServiceAccountTokens;
import io.gantry.control.server.auth.TokenRejected;
import io.gantry.control.server.auth.TokenUser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A TokenReview's {@code status}, as kube-apiserver's tokenreview REST and authenticator chain fill
 * it: the admin token authenticates as the admin identity (audience-agnostic, so it answers with the
 * requested audiences it shares with the API's), a service-account token as its ServiceAccount, and
 * anything else does not authenticate, with the authenticator's error ({@code invalid bearer token}
 * when no authenticator recognised it). Immutable.
 */
final class TokenReviews {
  private static final String INVALID_BEARER_TOKEN = "invalid bearer token";

  private final ServiceAccountTokens tokens;
  private final ServiceAccountTokens.ObjectLookup objects;
  private final Predicate<String> adminToken;

  TokenReviews(ServiceAccountTokens tokens, ServiceAccountTokens.ObjectLookup objects, Predicate<String> adminToken) {
    this.tokens = tokens;
    this.objects = objects;
    this.adminToken = adminToken;
  }

  /** Fills {@code status} for the review's {@code spec}. */
  void review(JsonNode spec, ObjectNode status) throws ApiException {
    String token = spec.path("token").asText("");
    if (token.isEmpty()) {
      throw ApiException.badRequest("token is required for TokenReview in authentication");
    }
    List<String> requested = new ArrayList<>();
    spec.path("audiences").forEach(audience -> requested.add(audience.asText()));
    List<String> audiences = requested.isEmpty() ? tokens.apiAudiences() : requested;
    Optional<TokenUser> user;
    String error = null;
    try {
      user = authenticate(token, audiences);
      if (user.isEmpty()) {
        error = INVALID_BEARER_TOKEN;
      }
    } catch (TokenRejected e) {
      user = Optional.empty();
      error = e.getMessage();
    }
    // Go's omitempty: authenticated, audiences and error only when set; user always, empty when nobody
    if (user.isPresent()) {
      status.put("authenticated", true);
    }
    ObjectNode userInfo = status.putObject("user");
    user.ifPresent(found -> write(found, userInfo));
    user.filter(found -> !found.audiences().isEmpty()).ifPresent(found -> {
      ArrayNode out = status.putArray("audiences");
      found.audiences().forEach(out::add);
    });
    if (error != null) {
      status.put("error", error);
    }
  }

  private Optional<TokenUser> authenticate(String token, List<String> audiences) throws TokenRejected {
    if (adminToken.test(token)) {
      List<String> shared = audiences.stream().filter(tokens.apiAudiences()::contains).distinct().toList();
      return shared.isEmpty() ? Optional.empty()
          : Optional.of(new TokenUser(AccessReviews.USERNAME, "", AccessReviews.GROUPS, Map.of(), shared));
    }
    return tokens.authenticate(token, audiences, objects);
  }

  /** A UserInfo as Go writes it: uid and extra only when set. */
  static void write(TokenUser user, ObjectNode out) {
    out.put("username", user.username());
    if (!user.uid().isEmpty()) {
      out.put("uid", user.uid());
    }
    ArrayNode groups = out.putArray("groups");
    user.groups().forEach(groups::add);
    if (!user.extra().isEmpty()) {
      ObjectNode extra = out.putObject("extra");
      new java.util.TreeMap<>(user.extra()).forEach((key, values) -> {
        ArrayNode array = extra.putArray(key);
        values.forEach(array::add);
      });
    }
  }
}
