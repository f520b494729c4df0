package io.gantry.control.server.api;

import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Optional;

/**
 * A parsed resource URL: {@code /api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]} or
 * the same under {@code /apis/{group}/{version}}.
 *
 * @param type        the resource type
 * @param namespace   the namespace in the path, or null (cluster-scoped, or all namespaces)
 * @param name        the object name, or null for the collection
 * @param subresource the subresource, or null
 */
public record ResourcePath(ResourceType type, String namespace, String name, String subresource) {

  /** Parses a path; empty when it names no served resource. */
  public static Optional<ResourcePath> parse(String path) {
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    int index;
    String group;
    String version;
    if (parts.length >= 3 && parts[0].equals("api")) {
      group = "";
      version = parts[1];
      index = 2;
    } else if (parts.length >= 4 && parts[0].equals("apis")) {
      group = parts[1];
      version = parts[2];
      index = 3;
    } else {
      return Optional.empty();
    }
    String namespace = null;
    int remaining = parts.length - index;
    if (remaining >= 3 && parts[index].equals("namespaces") && !isNamespaceSubresource(parts[index + 2])) {
      namespace = parts[index + 1];
      index += 2;
      remaining -= 2;
    }
    if (remaining < 1 || remaining > 3) {
      return Optional.empty();
    }
    Optional<ResourceType> type = ResourceTypes.byPath(group, version, parts[index]);
    if (type.isEmpty()) {
      return Optional.empty();
    }
    if (namespace != null && !type.get().namespaced()) {
      return Optional.empty();
    }
    String name = remaining >= 2 ? parts[index + 1] : null;
    String subresource = remaining == 3 ? parts[index + 2] : null;
    if (subresource != null && !type.get().hasSubresource(subresource)) {
      return Optional.empty();
    }
    return Optional.of(new ResourcePath(type.get(), namespace, name, subresource));
  }

  /**
   * The resource path a deprecated watch path ({@code /api/v1/watch/...} or
   * {@code /apis/{group}/{version}/watch/...}, still served by kube-apiserver) watches, or empty.
   */
  public static Optional<String> legacyWatch(String path) {
    String[] parts = path.replaceAll("^/+", "").split("/", -1);
    int at = parts.length > 3 && parts[0].equals("api") ? 2 : parts.length > 4 && parts[0].equals("apis") ? 3 : -1;
    if (at < 0 || !parts[at].equals("watch")) {
      return Optional.empty();
    }
    StringBuilder resource = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i != at) {
        resource.append('/').append(parts[i]);
      }
    }
    return Optional.of(resource.toString());
  }

  private static boolean isNamespaceSubresource(String segment) {
    return segment.equals("status") || segment.equals("finalize");
  }

  /** The namespace for objects of a namespaced type written through this path. */
  public String namespaceOrDefault() {
    return namespace == null ? "default" : namespace;
  }
}
