package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A complete response.
 *
 * @param status      the HTTP status code
 * @param contentType the Content-Type
 * @param body        the body bytes
 * @param warnings    texts of {@code Warning: 299 - "..."} headers, which kubectl prints
 * @param retryAfterSeconds the {@code Retry-After} header of an error whose Status suggests one, or 0
 * @param headers     further headers by name, such as {@code ETag} and {@code Vary} of discovery
 */
public record ApiResponse(int status, String contentType, byte[] body, List<String> warnings, int retryAfterSeconds,
    Map<String, String> headers) {

  public ApiResponse {
    warnings = List.copyOf(warnings);
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  public ApiResponse(int status, String contentType, byte[] body, List<String> warnings, int retryAfterSeconds) {
    this(status, contentType, body, warnings, retryAfterSeconds, Map.of());
  }

  public ApiResponse(int status, String contentType, byte[] body, List<String> warnings) {
    this(status, contentType, body, warnings, 0);
  }

  public ApiResponse(int status, String contentType, byte[] body) {
    this(status, contentType, body, List.of());
  }

  public ApiResponse withWarnings(List<String> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<String> all = new java.util.ArrayList<>(warnings);
    all.addAll(more);
    return new ApiResponse(status, contentType, body, all, retryAfterSeconds, headers);
  }

  public ApiResponse withStatus(int code) {
    return new ApiResponse(code, contentType, body, warnings, retryAfterSeconds, headers);
  }

  /** This response with one more header (replacing one of that name). */
  public ApiResponse withHeader(String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(java.util.Objects.requireNonNull(name, "name"), java.util.Objects.requireNonNull(value, "value"));
    return new ApiResponse(status, contentType, body, warnings, retryAfterSeconds, all);
  }

  public static ApiResponse json(int status, JsonNode body) {
    return new ApiResponse(status, "application/json", Json.bytes(body));
  }

  /** 201 with a Success {@code Status}: what a create answers that makes no object (a binding, an eviction). */
  public static ApiResponse createdSuccess() {
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Success");
    status.put("code", 201);
    return json(201, status);
  }

  /** The error's Status; a suggested retry delay also becomes a {@code Retry-After} header, as kube-apiserver sends it. */
  public static ApiResponse error(ApiException e) {
    ObjectNode status = e.toStatus();
    return new ApiResponse(e.code(), "application/json", Json.bytes(status), List.of(),
        Math.max(0, status.path("details").path("retryAfterSeconds").asInt(0)));
  }

  public static ApiResponse text(int status, String body) {
    return new ApiResponse(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }
}
