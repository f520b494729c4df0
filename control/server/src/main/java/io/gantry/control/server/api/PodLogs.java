package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code GET pods/{name}/log}, as kube-apiserver serves it: finds the pod's node, and relays the
 * request to the node agent's endpoint ({@code status.daemonEndpoints.kubeletEndpoint.Port} on the
 * Node's InternalIP, path {@code /containerLogs/{ns}/{pod}/{container}}) with {@code tailLines},
 * {@code previous}, {@code timestamps}, {@code sinceSeconds}, {@code sinceTime} and {@code limitBytes}.
 * Runs on the API's request thread (a virtual thread).
 */
final class PodLogs {

  /** A log answer larger than this is cut (the agent rotates files at 10 MiB). */
  private static final int MAX_BYTES = 32 << 20;

  /** The query parameters of {@code pods/log} the node agent applies. */
  private static final String[] RELAYED =
      {"tailLines", "previous", "timestamps", "sinceSeconds", "sinceTime", "limitBytes"};

  private final ObjectRegistry registry;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
      .version(HttpClient.Version.HTTP_1_1).build();

  private final String nodeAuthorization;

  /** @param nodeAuthorization the {@code Authorization} value node agents require, or null to send none */
  PodLogs(ObjectRegistry registry, String nodeAuthorization) {
    this.registry = registry;
    this.nodeAuthorization = nodeAuthorization;
  }

  /** Where the node agent serves one container's log: {@code http://ip:port/containerLogs/...?query}. */
  URI nodeUri(ResourcePath path, ApiRequest request, boolean follow) throws ApiException {
    validate(path.name(), request);
    JsonNode pod = registry.get(ResourceTypes.PODS, path.namespace(), path.name());
    String container = container(pod, path.name(), request.param("container"));
    String base = nodeBase(registry, pod, path.name(), "serve logs");
    StringBuilder query = new StringBuilder();
    for (String name : RELAYED) {
      String value = request.param(name);
      if (value != null) {
        query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
    if (follow) {
      query.append(query.isEmpty() ? "?" : "&").append("follow=true");
    }
    return URI.create(base + "/containerLogs/" + path.namespace() + "/" + path.name() + "/" + container + query);
  }

  /**
   * The query as kube-apiserver decodes it (a number, boolean or time that does not parse is 400, in
   * Go's words) and checks it with ValidatePodLogOptions (422) before any node is asked.
   */
  static void validate(String podName, ApiRequest request) throws ApiException {
    for (String name : new String[] {"previous", "timestamps", "follow"}) {
      String value = request.param(name);
      if (value != null && !GO_BOOLEANS.contains(value)) {
        throw ApiException.badRequest("strconv.ParseBool: parsing \"" + value + "\": invalid syntax");
      }
    }
    Long tailLines = int64(request, "tailLines");
    Long limitBytes = int64(request, "limitBytes");
    Long sinceSeconds = int64(request, "sinceSeconds");
    String sinceTime = request.param("sinceTime");
    if (sinceTime != null) {
      try {
        OffsetDateTime.parse(sinceTime, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("parsing time \"" + sinceTime + "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \""
            + sinceTime + "\" as \"2006\"");
      }
    }
    List<String> errors = new ArrayList<>();
    if (tailLines != null && tailLines < 0) {
      errors.add("tailLines: Invalid value: " + tailLines + ": must be greater than or equal to 0");
    }
    if (limitBytes != null && limitBytes < 1) {
      errors.add("limitBytes: Invalid value: " + limitBytes + ": must be greater than 0");
    }
    if (sinceSeconds != null && sinceTime != null) {
      errors.add(": Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified");
    } else if (sinceSeconds != null && sinceSeconds < 1) {
      errors.add("sinceSeconds: Invalid value: " + sinceSeconds + ": must be greater than 0");
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "Invalid", "PodLogOptions \"" + podName + "\" is invalid: "
          + (errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]"), null);
    }
  }

  private static final Set<String> GO_BOOLEANS =
      Set.of("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False");

  private static Long int64(ApiRequest request, String name) throws ApiException {
    String value = request.param(name);
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("strconv.ParseInt: parsing \"" + value + "\": "
          + (value.matches("[+-]?[0-9]+") ? "value out of range" : "invalid syntax"));
    }
  }

  /**
   * {@code requested}, or the pod's only app container; a name the pod does not have (among its
   * init, app and ephemeral containers) is a bad request.
   */
  static String container(JsonNode pod, String podName, String requested) throws ApiException {
    List<String> names = new ArrayList<>();
    for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      pod.path("spec").path(list).forEach(c -> names.add(c.path("name").asText()));
    }
    if (requested == null || requested.isEmpty()) {
      JsonNode containers = pod.at("/spec/containers");
      if (containers.size() != 1) {
        throw ApiException.badRequest("a container name must be specified for pod " + podName
            + ", choose one of: [" + String.join(" ", names) + "]");
      }
      return containers.get(0).path("name").asText();
    }
    if (!names.contains(requested)) {
      throw ApiException.badRequest("container " + requested + " is not valid for pod " + podName);
    }
    return requested;
  }

  /**
   * {@code http://ip:port} of the node agent running {@code pod}: the Node's InternalIP and its
   * {@code status.daemonEndpoints.kubeletEndpoint.Port}.
   */
  static String nodeBase(ObjectRegistry registry, JsonNode pod, String podName, String what) throws ApiException {
    String nodeName = pod.at("/spec/nodeName").asText("");
    if (nodeName.isEmpty()) {
      throw ApiException.badRequest("pod " + podName + " does not have a host assigned");
    }
    JsonNode node = registry.get(ResourceTypes.NODES, null, nodeName);
    String address = null;
    for (JsonNode a : node.at("/status/addresses")) {
      if ("InternalIP".equals(a.path("type").asText())) {
        address = a.path("address").asText();
      }
    }
    int port = node.at("/status/daemonEndpoints/kubeletEndpoint/Port").asInt(0);
    if (address == null || port <= 0) {
      throw new ApiException(503, "ServiceUnavailable", "node " + nodeName + " does not " + what, null);
    }
    return "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
  }

  /** The kubelet's words for why a container is waiting ({@code ": image can't be pulled"}), or empty. */
  static String waitingReason(JsonNode pod, String container) {
    for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
      for (JsonNode status : pod.path("status").path(list)) {
        if (container.equals(status.path("name").asText())) {
          String reason = status.at("/state/waiting/reason").asText("");
          return switch (reason) {
            case "" -> "";
            case "ErrImagePull" -> ": image can't be pulled";
            case "ImagePullBackOff" -> ": trying and failing to pull image";
            default -> ": " + reason;
          };
        }
      }
    }
    return "";
  }

  ApiResponse handle(ResourcePath path, ApiRequest request) throws ApiException {
    if (!request.method().equals("GET")) {
      throw ApiException.methodNotAllowed(request.method() + " is not allowed on pods/log");
    }
    URI uri = nodeUri(path, request, false);
    try {
      HttpRequest.Builder toNode = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
      if (nodeAuthorization != null) {
        toNode.header("Authorization", nodeAuthorization);
      }
      HttpResponse<InputStream> response = http.send(toNode.build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(MAX_BYTES);
      }
      if (response.statusCode() == 404) {
        String container = uri.getPath().substring(uri.getPath().lastIndexOf('/') + 1);
        throw ApiException.badRequest("true".equals(request.param("previous"))
            ? "previous terminated container \"" + container + "\" in pod \"" + path.name() + "\" not found"
            : "container \"" + container + "\" in pod \"" + path.name() + "\" is waiting to start"
                + waitingReason(registry.get(ResourceTypes.PODS, path.namespace(), path.name()), container));
      }
      if (response.statusCode() != 200) {
        throw new ApiException(502, "BadGateway", "node answered " + response.statusCode() + ": "
            + new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8), null);
      }
      return new ApiResponse(200, "text/plain; charset=utf-8", body);
    } catch (IOException e) {
      throw new ApiException(503, "ServiceUnavailable", "cannot reach the node for logs: " + e.getMessage(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.internal("interrupted");
    }
  }
}
