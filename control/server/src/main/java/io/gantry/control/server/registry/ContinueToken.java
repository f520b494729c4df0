package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The opaque {@code continue} token of a paged list: the revision and the last key returned. */
final class ContinueToken {

  private ContinueToken() {}

  static String encode(long revision, String lastKey) {
    ObjectNode token = Json.object();
    token.put("v", "gantry.v1");
    token.put("rv", revision);
    token.put("start", lastKey);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(token));
  }

  /** The key to start after; refuses tokens that are malformed or belong to another list. */
  static String decode(String token, String prefix) throws ApiException {
    try {
      JsonNode node = Json.parse(Base64.getUrlDecoder().decode(token.getBytes(StandardCharsets.US_ASCII)));
      String start = node.path("start").asText("");
      if (!start.startsWith(prefix)) {
        throw ApiException.badRequest("continue key is not valid: the token belongs to another list");
      }
      return start;
    } catch (IOException | IllegalArgumentException e) {
      throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
    }
  }
}
