package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * A complete response.
 *
 * @param status      the HTTP status code
 * @param contentType the Content-Type
 * @param body        the body bytes
 */
public record ApiResponse(int status, String contentType, byte[] body) {

  public static ApiResponse json(int status, JsonNode body) {
    return new ApiResponse(status, "application/json", Json.bytes(body));
  }

  public static ApiResponse error(ApiException e) {
    return json(e.code(), e.toStatus());
  }

  public static ApiResponse text(int status, String body) {
    return new ApiResponse(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }
}
