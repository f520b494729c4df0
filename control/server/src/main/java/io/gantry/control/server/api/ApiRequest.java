package io.gantry.control.server.api;

import io.gantry.control.server.auth.TokenUser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the API sees it: already authenticated, body fully read.
 *
 * @param method      the HTTP method, upper case
 * @param path        the decoded path without the query
 * @param query       query parameters; the first value of each counts
 * @param accept      the Accept header, or empty
 * @param contentType the Content-Type header, or empty
 * @param body        the body bytes (empty when none)
 * @param userAgent   the User-Agent header, or empty
 * @param ifNoneMatch the If-None-Match header, or empty
 * @param user        who sent it when a service-account token authenticated it, or null for the admin
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, String accept,
    String contentType, byte[] body, String userAgent, String ifNoneMatch, TokenUser user) {

  public ApiRequest {
    query = Map.copyOf(query);
    accept = accept == null ? "" : accept;
    contentType = contentType == null ? "" : contentType;
    body = body == null ? new byte[0] : body;
    userAgent = userAgent == null ? "" : userAgent;
    ifNoneMatch = ifNoneMatch == null ? "" : ifNoneMatch;
  }

  /** A request by the admin. */
  public ApiRequest(String method, String path, Map<String, List<String>> query, String accept, String contentType,
      byte[] body, String userAgent) {
    this(method, path, query, accept, contentType, body, userAgent, "", null);
  }

  public ApiRequest(String method, String path, Map<String, List<String>> query, String accept, String contentType,
      byte[] body) {
    this(method, path, query, accept, contentType, body, "");
  }

  /** The first value of a query parameter, or null. */
  public String param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public boolean flag(String name) {
    String value = param(name);
    return value != null && (value.equals("true") || value.equals("1"));
  }

  /** Whether the client asked for a server-side Table ({@code kubectl get}). */
  public boolean wantsTable() {
    return accept.contains("as=Table");
  }

  /**
   * Whether the client asked for {@code meta.k8s.io/v1} PartialObjectMetadata (a metadata-only
   * client, {@code as=PartialObjectMetadata} or {@code as=PartialObjectMetadataList}).
   */
  public boolean wantsPartialMetadata() {
    return !wantsTable() && accept.contains("as=PartialObjectMetadata");
  }

  /**
   * Whether the Accept header takes the object itself, as opposed to only a Table or metadata
   * ({@code as=...}): a media range without {@code as}, a wildcard, or no header.
   */
  public boolean acceptsPlainObjects() {
    if (accept.isBlank()) {
      return true;
    }
    for (String range : accept.split(",")) {
      if (!range.contains("as=") && !acceptsNothingServed(range)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the Accept header names nothing the API can answer with (JSON, YAML, protobuf, which
   * is answered as JSON, or a wildcard): kube-apiserver answers 406 then.
   */
  public boolean acceptsNothingServed() {
    if (accept.isBlank()) {
      return false;
    }
    for (String range : accept.split(",")) {
      if (!acceptsNothingServed(range)) {
        return false;
      }
    }
    return true;
  }

  private static boolean acceptsNothingServed(String range) {
    String type = range.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
    return !(type.equals("application/json") || type.equals("application/yaml") || type.equals("*/*")
        || type.equals("application/*") || type.equals("application/vnd.kubernetes.protobuf") || type.isEmpty());
  }

  /** Whether YAML is the client's first choice ({@code Accept: application/yaml}). */
  public boolean prefersYaml() {
    return accept.split(",")[0].split(";")[0].trim().equalsIgnoreCase("application/yaml");
  }

  public boolean isWatch() {
    return method.equals("GET") && flag("watch");
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
