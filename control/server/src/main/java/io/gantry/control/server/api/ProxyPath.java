package io.gantry.control.server.api;

import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A request for the {@code proxy} subresource of a Service or Pod, parsed from the raw (still
 * percent-encoded) request path: {@code /api/v1/namespaces/{ns}/services|pods/{id}/proxy[/{path}]},
 * where {@code id} is {@code name}, {@code name:port} or {@code scheme:name:port}.
 *
 * @param type      {@link ResourceTypes#SERVICES} or {@link ResourceTypes#PODS}
 * @param namespace the namespace
 * @param id        the decoded {@code [scheme:]name[:port]}
 * @param prefix    the raw path up to and including {@code /proxy}: what relayed links are rebased on
 * @param rest      the raw path after {@code /proxy}: empty, or starting with {@code /}
 */
public record ProxyPath(ResourceType type, String namespace, String id, String prefix, String rest) {

  private static final String ROOT = "/api/v1/namespaces/";

  /** Parses a raw request path (without the query); empty when it is not a proxy request. */
  public static Optional<ProxyPath> parse(String rawPath) {
    if (rawPath == null || !rawPath.startsWith(ROOT)) {
      return Optional.empty();
    }
    String[] parts = rawPath.substring(ROOT.length()).split("/", 5);
    if (parts.length < 4 || !parts[3].equals("proxy") || parts[0].isEmpty() || parts[2].isEmpty()) {
      return Optional.empty();
    }
    ResourceType type = switch (parts[1]) {
      case "services" -> ResourceTypes.SERVICES;
      case "pods" -> ResourceTypes.PODS;
      default -> null;
    };
    if (type == null) {
      return Optional.empty();
    }
    String rest = parts.length == 5 ? "/" + parts[4] : "";
    String prefix = rawPath.substring(0, rawPath.length() - rest.length());
    try {
      return Optional.of(new ProxyPath(type, decode(parts[0]), decode(parts[2]), prefix, rest));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
