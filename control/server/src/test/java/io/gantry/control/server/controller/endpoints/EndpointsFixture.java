package io.gantry.control.server.controller.endpoints;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.LabelSelector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Small factories for services, pods and nodes, and polling with a deadline. */
final class EndpointsFixture {

  static final String NS = "demo";
  static final String NODE = "node-a";
  static final String ZONE = "zone-1";
  static final String READY_SINCE = "2026-01-02T03:00:00Z";

  private final ObjectRegistry registry;

  EndpointsFixture(ObjectRegistry registry) {
    this.registry = registry;
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) Json.parse(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void namespaceAndNode() throws ApiException {
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"" + NS + "\"}}"));
    registry.create(ResourceTypes.NODES, null, json("{\"metadata\":{\"name\":\"" + NODE
        + "\",\"labels\":{\"topology.kubernetes.io/zone\":\"" + ZONE + "\"}}}"));
  }

  /** A service selecting {@code app=<app>} with one port: 80 to {@code targetPort} (number or name). */
  ObjectNode service(String name, String app, String targetPort, String extraSpec) throws ApiException {
    String target = targetPort.chars().allMatch(Character::isDigit) ? targetPort : "\"" + targetPort + "\"";
    String selector = app == null ? "" : "\"selector\":{\"app\":\"" + app + "\"},";
    return registry.create(ResourceTypes.SERVICES, NS, json("{\"metadata\":{\"name\":\"" + name
        + "\",\"labels\":{\"tier\":\"web\"}},\"spec\":{" + selector + extraSpec
        + "\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":" + target + ",\"appProtocol\":\"http\"}]}}"));
  }

  /** A scheduled pod labelled {@code app=<app>} with a container port named web. */
  ObjectNode pod(String name, String app, int webPort, String extraSpec) throws ApiException {
    return registry.create(ResourceTypes.PODS, NS, json("{\"metadata\":{\"name\":\"" + name
        + "\",\"labels\":{\"app\":\"" + app + "\"}},\"spec\":{\"nodeName\":\"" + NODE + "\"," + extraSpec
        + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"ports\":[{\"name\":\"web\",\"containerPort\":"
        + webPort + "}]}]}}"));
  }

  /** Sets the pod's status as a node agent would: Running, an IP, and the Ready condition. */
  ObjectNode status(String name, String ip, boolean ready) throws ApiException {
    ObjectNode pod = registry.get(ResourceTypes.PODS, NS, name);
    pod.set("status", json("{\"phase\":\"Running\",\"podIP\":\"" + ip + "\",\"podIPs\":[{\"ip\":\"" + ip
        + "\"}],\"conditions\":[{\"type\":\"Ready\",\"status\":\"" + (ready ? "True" : "False")
        + "\",\"lastTransitionTime\":\"" + READY_SINCE + "\"}]}"));
    return registry.update(ResourceTypes.PODS, NS, name, pod, "status");
  }

  ObjectNode runningPod(String name, String app, String ip, boolean ready) throws ApiException {
    pod(name, app, 8080, "");
    return status(name, ip, ready);
  }

  /** Deletes a pod gracefully: it stays, marked terminating, because its node exists. */
  void terminate(String name) throws ApiException {
    registry.delete(ResourceTypes.PODS, NS, name, DeleteOptions.DEFAULT);
  }

  List<ObjectNode> slices(String service) throws ApiException {
    List<ObjectNode> items = new ArrayList<>(registry.list(ResourceTypes.ENDPOINTSLICES, NS,
        LabelSelector.parse("kubernetes.io/service-name=" + service), null, 0, null).items());
    items.sort(Comparator.comparing(s -> s.at("/metadata/name").asText()));
    return items;
  }

  /** Every endpoint of the service's slices. */
  List<JsonNode> endpoints(String service) throws ApiException {
    List<JsonNode> all = new ArrayList<>();
    for (ObjectNode slice : slices(service)) {
      slice.path("endpoints").forEach(all::add);
    }
    return all;
  }

  JsonNode endpointOf(String service, String pod) throws ApiException {
    for (JsonNode endpoint : endpoints(service)) {
      if (pod.equals(endpoint.at("/targetRef/name").asText())) {
        return endpoint;
      }
    }
    return null;
  }

  /** Polls until the condition holds (API errors count as not yet); fails with the last observation after 10 s. */
  static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Object last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (check.holds()) {
          return;
        }
      } catch (AssertionError | ApiException e) {
        last = e.getMessage(); // e.g. an Endpoints the controller has not written yet (404)
      }
      Thread.sleep(10);
    }
    fail("timed out waiting for " + what + (last == null ? "" : ": " + last));
  }

  @FunctionalInterface
  interface Check {
    boolean holds() throws Exception;
  }
}
