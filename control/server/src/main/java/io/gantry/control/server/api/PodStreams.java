package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code pods/{name}/exec}, {@code attach} and {@code portforward}, as kube-apiserver resolves them:
 * the pod must have a node and (for exec and attach) the container must be one of the pod's; the
 * answer is where the node agent serves the stream ({@code /exec/{ns}/{pod}/{container}?command=..&stdin=..},
 * {@code /attach/{ns}/{pod}/{container}?stdin=..} or {@code /portForward/{ns}/{pod}}). The HTTP layer then relays the upgrade and the streams.
 * Blocks on the store: call it off the event loop.
 */
final class PodStreams {

  private static final List<String> EXEC_PARAMS = List.of("command", "stdin", "stdout", "stderr", "tty");
  private static final List<String> ATTACH_PARAMS = List.of("stdin", "stdout", "stderr", "tty");

  private final ObjectRegistry registry;

  PodStreams(ObjectRegistry registry) {
    this.registry = registry;
  }

  URI nodeUri(ResourcePath path, ApiRequest request) throws ApiException {
    if (!request.method().equals("GET") && !request.method().equals("POST")) {
      throw ApiException.methodNotAllowed(request.method() + " is not allowed on pods/" + path.subresource());
    }
    JsonNode pod = registry.get(ResourceTypes.PODS, path.namespace(), path.name());
    String kind = path.subresource();
    boolean inContainer = !kind.equals("portforward");
    String container = inContainer ? PodLogs.container(pod, path.name(), request.param("container")) : null;
    String base = PodLogs.nodeBase(registry, pod, path.name(), "serve exec, attach or port-forward");
    StringBuilder query = new StringBuilder();
    for (String name : switch (kind) {
      case "exec" -> EXEC_PARAMS;
      case "attach" -> ATTACH_PARAMS;
      default -> List.of("ports");
    }) {
      for (String value : request.query().getOrDefault(name, List.of())) {
        query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
    String segment = inContainer ? "/" + kind + "/" : "/portForward/";
    return URI.create(base + segment + enc(path.namespace()) + "/" + enc(path.name())
        + (inContainer ? "/" + enc(container) : "") + query);
  }

  private static String enc(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }
}
