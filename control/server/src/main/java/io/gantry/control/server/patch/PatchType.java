package io.gantry.control.server.patch;

import java.util.Locale;
import java.util.Optional;

/** The patch formats a {@code PATCH} request may carry, named by their {@code Content-Type}. */
public enum PatchType {
  /** RFC 6902: an array of operations. */
  JSON_PATCH("application/json-patch+json"),
  /** RFC 7386: an object merged into the target, {@code null} deletes. */
  MERGE_PATCH("application/merge-patch+json"),
  /** Kubernetes strategic merge patch: merge patch with list merge keys and directives. */
  STRATEGIC_MERGE_PATCH("application/strategic-merge-patch+json"),
  /** Server-side apply: the applied configuration, as JSON or YAML. */
  APPLY_PATCH("application/apply-patch+yaml");

  private final String contentType;

  PatchType(String contentType) {
    this.contentType = contentType;
  }

  /** The media type, without parameters. */
  public String contentType() {
    return contentType;
  }

  /** Matches a Content-Type header value, ignoring parameters such as charset. */
  public static Optional<PatchType> fromContentType(String header) {
    if (header == null) {
      return Optional.empty();
    }
    int semicolon = header.indexOf(';');
    String mediaType = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    for (PatchType type : values()) {
      if (type.contentType.equals(mediaType)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
