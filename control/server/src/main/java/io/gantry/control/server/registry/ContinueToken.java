package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code continue} token of a paged list: the revision every page is read at and the
 * last key returned, relative to the list's key prefix, as kube-apiserver's (so a token continues
 * whichever list it is given to, from the same place). A revision of -1 reads the rest at the
 * current revision (the token a 410 hands out once the list's revision is compacted).
 */
final class ContinueToken {

  static final long CURRENT = -1;

  /** Where the next page starts, and the revision to read it at ({@link #CURRENT} for the latest). */
  record Position(String startAfter, long revision) {}

  private ContinueToken() {}

  static String encode(long revision, String prefix, String lastKey) {
    if (!lastKey.startsWith(prefix)) {
      throw new IllegalArgumentException("key " + lastKey + " is not under the list's prefix " + prefix);
    }
    ObjectNode token = Json.object();
    token.put("v", "gantry.v1");
    token.put("rv", revision);
    token.put("start", lastKey.substring(prefix.length()));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(token));
  }

  /**
   * The key to start after; refuses tokens that are malformed or belong to another list, in the
   * words of kube-apiserver's storage ({@code invalid continue token: continue key is not valid...}).
   */
  static Position decode(String token, String prefix) throws ApiException {
    byte[] data;
    try {
      data = Base64.getUrlDecoder().decode(token.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw invalid("illegal base64 data at input byte " + firstNonBase64(token));
    }
    JsonNode node;
    try {
      node = Json.parse(data);
    } catch (IOException e) {
      throw invalid("invalid character looking for beginning of value");
    }
    String start = node.path("start").asText("");
    if (start.isEmpty()) {
      throw invalid("encoded start key empty");
    }
    if (start.startsWith("/") || start.equals("..") || start.startsWith("../") || start.contains("/../")
        || start.endsWith("/..")) {
      throw invalid(start); // upstream refuses a start key that path.Clean would change
    }
    long revision = node.path("rv").asLong(0);
    if (revision == 0 || revision < CURRENT) {
      throw invalid("incorrect encoded start resourceVersion (version " + node.path("v").asText() + ")");
    }
    return new Position(prefix + start, revision);
  }

  private static ApiException invalid(String why) {
    return ApiException.badRequest("invalid continue token: continue key is not valid: " + why);
  }

  private static int firstNonBase64(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return i;
      }
    }
    return token.length(); // a length no base64 text has
  }
}
