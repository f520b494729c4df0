package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The IPv4 endpoints a selector service should have, grouped by port mapping, as upstream's
 * {@code reconcileByAddressType} builds {@code desiredEndpointsByPortMap}. Pods are taken in name
 * order so that new slices fill deterministically.
 *
 * @param byMapping    per port mapping, endpoints keyed by {@link PodEndpoints#identity}
 * @param missingNodes pods left out because their node is unknown (upstream retries the service)
 */
record DesiredEndpoints(Map<PortMapping, LinkedHashMap<String, ObjectNode>> byMapping, List<String> missingNodes) {

  static DesiredEndpoints compute(ObjectNode service, List<ObjectNode> pods, Function<String, ObjectNode> nodes) {
    Map<PortMapping, LinkedHashMap<String, ObjectNode>> byMapping = new LinkedHashMap<>();
    List<String> missingNodes = new ArrayList<>();
    List<ObjectNode> ordered = new ArrayList<>(pods);
    ordered.sort(Comparator.comparing(ObjectMeta::name));
    for (ObjectNode pod : ordered) {
      if (!PodEndpoints.shouldBeInEndpoints(pod, true)) {
        continue;
      }
      PortMapping mapping = PortMapping.of(PodEndpoints.endpointPorts(service, pod));
      LinkedHashMap<String, ObjectNode> endpoints = byMapping.computeIfAbsent(mapping, m -> new LinkedHashMap<>());
      String nodeName = pod.path("spec").path("nodeName").asText("");
      ObjectNode node = nodeName.isEmpty() ? null : nodes.apply(nodeName);
      if (node == null && !Services.publishNotReady(service)) {
        missingNodes.add(ObjectMeta.name(pod) + " (node \"" + nodeName + "\")");
        continue;
      }
      List<String> addresses = PodEndpoints.ipv4Addresses(pod);
      if (!addresses.isEmpty()) {
        ObjectNode endpoint = PodEndpoints.endpoint(pod, node, service, addresses);
        endpoints.put(PodEndpoints.identity(endpoint), endpoint);
      }
    }
    return new DesiredEndpoints(byMapping, List.copyOf(missingNodes));
  }
}
