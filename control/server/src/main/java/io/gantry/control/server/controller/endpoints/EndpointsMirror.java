package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Keeps the legacy v1 {@code Endpoints} of a selector service, as upstream's endpoints controller
 * does for old clients: one object named like the service whose subsets group pod addresses by the
 * ports they resolve, ready pods under {@code addresses} and not-ready ones under
 * {@code notReadyAddresses}; terminating pods are left out unless the service publishes not-ready
 * addresses; beyond 1000 addresses it is truncated and annotated ({@link EndpointsTruncation}).
 * Labelled {@code endpointslice.kubernetes.io/skip-mirror: "true"} so that nothing mirrors it back
 * into slices. Writes only when the subsets, labels or truncation differ.
 */
final class EndpointsMirror {

  static final String LABEL_SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";

  private record Subset(List<EndpointPort> ports, List<ObjectNode> ready, List<ObjectNode> notReady) {}

  private final ObjectRegistry registry;

  EndpointsMirror(ObjectRegistry registry) {
    this.registry = registry;
  }

  /** Brings the service's Endpoints in line; true when it wrote. */
  boolean sync(ObjectNode service, List<ObjectNode> pods, Instant triggerTime) throws ApiException {
    String namespace = ObjectMeta.namespace(service);
    String name = ObjectMeta.name(service);
    ArrayNode subsets = subsets(service, pods);
    boolean truncated = EndpointsTruncation.truncate(subsets);
    ObjectNode labels = SliceTemplates.labelsJson(labels(service));
    Optional<ObjectNode> current = registry.find(ResourceTypes.ENDPOINTS, namespace, name);
    if (current.isPresent() && subsetsOf(current.get()).equals(subsets)
        && labels.equals(current.get().path("metadata").path("labels"))
        && truncated == current.get().path("metadata").path("annotations").has(EndpointsTruncation.ANNOTATION)) {
      return false;
    }
    if (ObjectMeta.isDeleting(service) && current.isEmpty()) {
      return false;
    }
    ObjectNode endpoints = current.map(ObjectNode::deepCopy).orElseGet(Json::object);
    ObjectNode metadata = ObjectMeta.metadata(endpoints);
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    metadata.set("labels", labels);
    ObjectNode annotations = metadata.get("annotations") instanceof ObjectNode a ? a : metadata.putObject("annotations");
    if (triggerTime != null) {
      annotations.put(SliceTemplates.TRIGGER_TIME, ObjectMeta.timestamp(triggerTime));
    } else {
      annotations.remove(SliceTemplates.TRIGGER_TIME);
    }
    if (truncated) {
      annotations.put(EndpointsTruncation.ANNOTATION, "truncated");
    } else {
      annotations.remove(EndpointsTruncation.ANNOTATION);
    }
    if (annotations.isEmpty()) {
      metadata.remove("annotations");
    }
    if (subsets.isEmpty()) {
      endpoints.remove("subsets");
    } else {
      endpoints.set("subsets", subsets);
    }
    if (current.isPresent()) {
      registry.update(ResourceTypes.ENDPOINTS, namespace, name, endpoints, null);
    } else {
      registry.create(ResourceTypes.ENDPOINTS, namespace, endpoints);
    }
    return true;
  }

  /** Removes the Endpoints of a deleted service, as upstream does; true when one was removed. */
  boolean delete(String namespace, String name) throws ApiException {
    try {
      registry.delete(ResourceTypes.ENDPOINTS, namespace, name, DeleteOptions.DEFAULT);
      return true;
    } catch (ApiException e) {
      if (e.code() == 404) {
        return false;
      }
      throw e;
    }
  }

  static Map<String, String> labels(ObjectNode service) {
    Map<String, String> labels = new TreeMap<>(PodEndpoints.labels(service));
    labels.remove(SliceTemplates.LABEL_HEADLESS);
    if (!Services.hasClusterIp(service)) {
      labels.put(SliceTemplates.LABEL_HEADLESS, "");
    }
    labels.put(LABEL_SKIP_MIRROR, "true");
    return labels;
  }

  /** The desired subsets, in a canonical order (ports, then addresses by IP). */
  static ArrayNode subsets(ObjectNode service, List<ObjectNode> pods) {
    boolean publishNotReady = Services.publishNotReady(service);
    boolean portless = service.path("spec").path("ports").isEmpty()
        && "None".equals(service.path("spec").path("clusterIP").asText(""));
    Map<String, Subset> groups = new TreeMap<>();
    for (ObjectNode pod : pods) {
      List<String> ips = PodEndpoints.ipv4Addresses(pod);
      if (!PodEndpoints.shouldBeInEndpoints(pod, publishNotReady) || ips.isEmpty()) {
        continue;
      }
      List<EndpointPort> ports = new ArrayList<>(PodEndpoints.endpointPorts(service, pod));
      if (ports.isEmpty() && !portless) {
        continue;
      }
      ports.sort(EndpointPort.ORDER);
      Subset subset = groups.computeIfAbsent(ports.toString(), k -> new Subset(ports, new ArrayList<>(), new ArrayList<>()));
      ObjectNode address = address(pod, service, ips.get(0));
      (publishNotReady || PodEndpoints.isReady(pod) ? subset.ready() : subset.notReady()).add(address);
    }
    ArrayNode subsets = Json.MAPPER.createArrayNode();
    Comparator<ObjectNode> byIp = Comparator.comparing((ObjectNode a) -> a.path("ip").asText())
        .thenComparing(a -> a.path("targetRef").path("uid").asText());
    for (Subset group : groups.values()) {
      ObjectNode subset = subsets.addObject();
      if (!group.ready().isEmpty()) {
        group.ready().sort(byIp);
        subset.putArray("addresses").addAll(group.ready());
      }
      if (!group.notReady().isEmpty()) {
        group.notReady().sort(byIp);
        subset.putArray("notReadyAddresses").addAll(group.notReady());
      }
      if (!group.ports().isEmpty()) {
        ArrayNode ports = subset.putArray("ports");
        group.ports().forEach(port -> ports.add(port.toEndpointsJson()));
      }
    }
    return subsets;
  }

  private static ObjectNode address(ObjectNode pod, ObjectNode service, String ip) {
    ObjectNode address = Json.object();
    address.put("ip", ip);
    if (PodEndpoints.shouldSetHostname(pod, service)) {
      address.put("hostname", pod.path("spec").path("hostname").asText());
    }
    String nodeName = pod.path("spec").path("nodeName").asText("");
    if (!nodeName.isEmpty()) {
      address.put("nodeName", nodeName);
    }
    address.set("targetRef", PodEndpoints.targetRef(pod));
    return address;
  }

  private static ArrayNode subsetsOf(ObjectNode endpoints) {
    JsonNode subsets = endpoints.get("subsets");
    return subsets instanceof ArrayNode array ? array : Json.MAPPER.createArrayNode();
  }
}
