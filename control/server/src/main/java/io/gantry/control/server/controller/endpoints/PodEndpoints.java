package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pod and service rules of upstream's {@code k8s.io/endpointslice} utilities, on JSON objects:
 * which pods become endpoints, their conditions, addresses, hostnames and resolved ports.
 */
final class PodEndpoints {

  static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  static final String TOPOLOGY_MODE_ANNOTATION = "service.kubernetes.io/topology-mode";
  /** The annotation's name before Kubernetes 1.27, still read. */
  static final String TOPOLOGY_HINTS_ANNOTATION = "service.kubernetes.io/topology-aware-hints";

  private PodEndpoints() {}

  /**
   * Upstream {@code ShouldPodBeInEndpoints}: not terminal (Succeeded/Failed), has an IP, and is not
   * terminating unless {@code includeTerminating}.
   */
  static boolean shouldBeInEndpoints(ObjectNode pod, boolean includeTerminating) {
    String phase = pod.path("status").path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return false;
    }
    if (podIps(pod).isEmpty()) {
      return false;
    }
    return includeTerminating || !ObjectMeta.isDeleting(pod);
  }

  /** The pod's Ready condition is True. */
  static boolean isReady(ObjectNode pod) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return "True".equals(condition.path("status").asText());
      }
    }
    return false;
  }

  /** The Ready condition's lastTransitionTime, or empty: upstream's pod trigger time. */
  static String readyTransitionTime(ObjectNode pod) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return condition.path("lastTransitionTime").asText("");
      }
    }
    return "";
  }

  /** {@code status.podIPs}, falling back to {@code status.podIP} when the list is absent. */
  static List<String> podIps(ObjectNode pod) {
    List<String> ips = new ArrayList<>();
    for (JsonNode ip : pod.path("status").path("podIPs")) {
      String text = ip.path("ip").asText("");
      if (!text.isEmpty()) {
        ips.add(text);
      }
    }
    String single = pod.path("status").path("podIP").asText("");
    if (ips.isEmpty() && !single.isEmpty()) {
      ips.add(single);
    }
    return ips;
  }

  /** The pod's IPv4 addresses (upstream {@code getEndpointAddresses} for address type IPv4). */
  static List<String> ipv4Addresses(ObjectNode pod) {
    return podIps(pod).stream().filter(ip -> !ip.contains(":")).toList();
  }

  /** Upstream {@code ShouldSetHostname}: a hostname, and the subdomain names this service. */
  static boolean shouldSetHostname(ObjectNode pod, ObjectNode service) {
    JsonNode spec = pod.path("spec");
    return !spec.path("hostname").asText("").isEmpty()
        && spec.path("subdomain").asText("").equals(ObjectMeta.name(service))
        && ObjectMeta.namespace(pod).equals(ObjectMeta.namespace(service));
  }

  /**
   * Upstream {@code getEndpointPorts}: each service port whose target the pod resolves, in service
   * order. Ports the pod cannot resolve are left out.
   */
  static List<EndpointPort> endpointPorts(ObjectNode service, ObjectNode pod) {
    List<EndpointPort> ports = new ArrayList<>();
    for (JsonNode servicePort : service.path("spec").path("ports")) {
      Integer number = findPort(pod, servicePort);
      if (number == null) {
        continue;
      }
      JsonNode appProtocol = servicePort.get("appProtocol");
      ports.add(new EndpointPort(servicePort.path("name").asText(""), protocol(servicePort), number,
          appProtocol == null || appProtocol.isNull() ? null : appProtocol.asText()));
    }
    return ports;
  }

  /**
   * Upstream {@code FindPort}: a numeric targetPort as is; a named one looked up by name and
   * protocol in the containers' ports (and in restartable init containers); null when not found.
   */
  static Integer findPort(ObjectNode pod, JsonNode servicePort) {
    JsonNode target = servicePort.get("targetPort");
    if (target == null || target.isNull()) {
      target = servicePort.get("port");
    }
    if (target == null || target.isNull()) {
      return null;
    }
    if (target.isNumber()) {
      return target.asInt();
    }
    String name = target.asText();
    String protocol = protocol(servicePort);
    Integer found = findNamed(pod.path("spec").path("containers"), name, protocol, false);
    return found != null ? found : findNamed(pod.path("spec").path("initContainers"), name, protocol, true);
  }

  private static Integer findNamed(JsonNode containers, String name, String protocol, boolean sidecarsOnly) {
    for (JsonNode container : containers) {
      if (sidecarsOnly && !"Always".equals(container.path("restartPolicy").asText(""))) {
        continue;
      }
      for (JsonNode port : container.path("ports")) {
        if (name.equals(port.path("name").asText()) && protocol.equals(protocol(port))) {
          return port.path("containerPort").asInt();
        }
      }
    }
    return null;
  }

  static String protocol(JsonNode port) {
    String protocol = port.path("protocol").asText("");
    return protocol.isEmpty() ? "TCP" : protocol;
  }

  /** The {@code targetRef} both APIs use: kind Pod, namespace, name, uid. */
  static ObjectNode targetRef(ObjectNode pod) {
    ObjectNode ref = Json.object();
    ref.put("kind", "Pod");
    ref.put("namespace", ObjectMeta.namespace(pod));
    ref.put("name", ObjectMeta.name(pod));
    ref.put("uid", ObjectMeta.text(pod, "uid"));
    return ref;
  }

  /**
   * Upstream {@code podToEndpoint}: serving is the Ready condition, terminating is a deletion
   * timestamp, and ready is serving and not terminating unless the service publishes not-ready
   * addresses. {@code node} may be null (then no zone).
   */
  static ObjectNode endpoint(ObjectNode pod, ObjectNode node, ObjectNode service, List<String> addresses) {
    boolean serving = isReady(pod);
    boolean terminating = ObjectMeta.isDeleting(pod);
    boolean ready = service.path("spec").path("publishNotReadyAddresses").asBoolean(false) || (serving && !terminating);
    ObjectNode endpoint = Json.object();
    ArrayNode list = endpoint.putArray("addresses");
    addresses.forEach(list::add);
    ObjectNode conditions = endpoint.putObject("conditions");
    conditions.put("ready", ready);
    conditions.put("serving", serving);
    conditions.put("terminating", terminating);
    if (shouldSetHostname(pod, service)) {
      endpoint.put("hostname", pod.path("spec").path("hostname").asText());
    }
    endpoint.set("targetRef", targetRef(pod));
    String nodeName = pod.path("spec").path("nodeName").asText("");
    if (!nodeName.isEmpty()) {
      endpoint.put("nodeName", nodeName);
    }
    String zone = node == null ? "" : node.path("metadata").path("labels").path(ZONE_LABEL).asText("");
    if (!zone.isEmpty()) {
      endpoint.put("zone", zone);
      if (prefersClose(service)) {
        endpoint.putObject("hints").putArray("forZones").addObject().put("name", zone);
      }
    }
    return endpoint;
  }

  /**
   * Upstream's traffic distribution heuristic: with {@code trafficDistribution: PreferClose} every
   * endpoint that has a zone is hinted for its own zone, and proxies keep traffic in the client's
   * zone. Not while the topology annotation asks for {@code Auto} hints, which take precedence
   * upstream and which Gantry does not compute: then no endpoint is hinted, as when Auto's
   * safeguards are not met.
   */
  static boolean prefersClose(ObjectNode service) {
    JsonNode annotations = service.path("metadata").path("annotations");
    String mode = annotations.path(TOPOLOGY_MODE_ANNOTATION).asText(
        annotations.path(TOPOLOGY_HINTS_ANNOTATION).asText(""));
    return !mode.equals("Auto") && !mode.equals("auto")
        && service.path("spec").path("trafficDistribution").asText("").equals("PreferClose");
  }

  /**
   * The identity upstream hashes endpoints by (sorted addresses, hostname, target namespace and
   * name): an existing endpoint with the same identity is updated in place.
   */
  static String identity(JsonNode endpoint) {
    List<String> addresses = new ArrayList<>();
    endpoint.path("addresses").forEach(a -> addresses.add(a.asText()));
    addresses.sort(null);
    JsonNode ref = endpoint.path("targetRef");
    return String.join(",", addresses) + "|" + endpoint.path("hostname").asText("") + "|"
        + ref.path("namespace").asText("") + "/" + ref.path("name").asText("");
  }

  /** The pod's labels as a map (missing is none). */
  static Map<String, String> labels(ObjectNode object) {
    Map<String, String> labels = new TreeMap<>();
    object.path("metadata").path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }
}
