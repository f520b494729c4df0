package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The EndpointSlices upstream's EndpointSliceMirroring controller derives from a user-made v1
 * {@code Endpoints}: one slice per distinct port list and address family, holding the addresses of
 * every subset with those ports (an address listed ready and not ready counts as ready), at most
 * {@link #MAX_ENDPOINTS_PER_SUBSET} per subset. Endpoints carry only the {@code ready} condition,
 * with the address's hostname, nodeName and targetRef. The slice takes the Endpoints' labels and
 * annotations (minus the trigger time and kubectl's last-applied configuration), the
 * {@code kubernetes.io/service-name} and mirroring {@code managed-by} labels, and a controller
 * reference to the Endpoints.
 */
final class MirroredSlices {

  static final String CONTROLLER_NAME = "endpointslicemirroring-controller.k8s.io";
  /** Upstream's {@code --mirroring-max-endpoints-per-subset} default. */
  static final int MAX_ENDPOINTS_PER_SUBSET = 1000;
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private MirroredSlices() {}

  /** The desired slices (no name yet), keyed by {@link #key}, in a stable order. */
  static Map<String, ObjectNode> desired(ObjectNode endpoints) {
    // key -> ip -> endpoint; TreeMaps keep slices and their endpoints in a canonical order
    Map<String, Map<String, ObjectNode>> byKey = new TreeMap<>();
    Map<String, ArrayNode> portsByKey = new TreeMap<>();
    for (JsonNode subset : endpoints.path("subsets")) {
      ArrayNode ports = ports(subset.path("ports"));
      int added = 0;
      for (String list : List.of("addresses", "notReadyAddresses")) {
        boolean ready = list.equals("addresses");
        for (JsonNode address : subset.path(list)) {
          String ip = address.path("ip").asText("");
          String family = family(ip);
          if (family == null || added >= MAX_ENDPOINTS_PER_SUBSET) {
            continue;
          }
          String key = family + " " + ports;
          portsByKey.put(key, ports);
          Map<String, ObjectNode> group = byKey.computeIfAbsent(key, k -> new TreeMap<>());
          ObjectNode previous = group.get(ip);
          if (previous == null || ready && !previous.at("/conditions/ready").asBoolean()) {
            group.put(ip, endpoint(address, ip, ready));
          }
          added++;
        }
      }
    }
    Map<String, ObjectNode> slices = new LinkedHashMap<>();
    byKey.forEach((key, group) -> {
      ObjectNode slice = template(endpoints);
      slice.put("addressType", key.substring(0, key.indexOf(' ')));
      slice.putArray("endpoints").addAll(new ArrayList<>(group.values()));
      slice.set("ports", portsByKey.get(key));
      slices.put(key, slice);
    });
    return slices;
  }

  /** The key of an existing slice, comparable with those of {@link #desired}. */
  static String key(JsonNode slice) {
    return slice.path("addressType").asText("") + " " + ports(slice.path("ports"));
  }

  /** Whether an existing slice already says what {@code desired} says (content, labels, annotations, owner). */
  static boolean same(JsonNode existing, ObjectNode desired) {
    JsonNode meta = existing.path("metadata");
    JsonNode want = desired.path("metadata");
    return existing.path("endpoints").equals(desired.path("endpoints"))
        && existing.path("ports").equals(desired.path("ports"))
        && meta.path("labels").equals(want.path("labels"))
        && meta.path("annotations").equals(want.path("annotations"))
        && meta.path("ownerReferences").equals(want.path("ownerReferences"));
  }

  static boolean managed(JsonNode slice) {
    return CONTROLLER_NAME.equals(slice.path("metadata").path("labels").path(SliceTemplates.LABEL_MANAGED_BY).asText(""));
  }

  private static ObjectNode template(ObjectNode endpoints) {
    ObjectNode slice = Json.object();
    slice.put("apiVersion", "discovery.k8s.io/v1");
    slice.put("kind", "EndpointSlice");
    ObjectNode metadata = slice.putObject("metadata");
    String name = ObjectMeta.name(endpoints);
    metadata.put("generateName", name + "-");
    metadata.put("namespace", ObjectMeta.namespace(endpoints));
    ObjectNode labels = metadata.putObject("labels");
    endpoints.path("metadata").path("labels").properties().forEach(e -> labels.set(e.getKey(), e.getValue()));
    labels.put(SliceTemplates.LABEL_SERVICE_NAME, name);
    labels.put(SliceTemplates.LABEL_MANAGED_BY, CONTROLLER_NAME);
    ObjectNode annotations = Json.object();
    endpoints.path("metadata").path("annotations").properties().forEach(e -> {
      if (!e.getKey().equals(SliceTemplates.TRIGGER_TIME) && !e.getKey().equals(LAST_APPLIED)) {
        annotations.set(e.getKey(), e.getValue());
      }
    });
    if (!annotations.isEmpty()) {
      metadata.set("annotations", annotations);
    }
    ObjectNode owner = metadata.putArray("ownerReferences").addObject();
    owner.put("apiVersion", "v1");
    owner.put("kind", "Endpoints");
    owner.put("name", name);
    owner.put("uid", ObjectMeta.text(endpoints, "uid"));
    owner.put("controller", true);
    owner.put("blockOwnerDeletion", true);
    return slice;
  }

  private static ObjectNode endpoint(JsonNode address, String ip, boolean ready) {
    ObjectNode endpoint = Json.object();
    endpoint.putArray("addresses").add(ip);
    endpoint.putObject("conditions").put("ready", ready);
    String hostname = address.path("hostname").asText("");
    if (!hostname.isEmpty()) {
      endpoint.put("hostname", hostname);
    }
    String nodeName = address.path("nodeName").asText("");
    if (!nodeName.isEmpty()) {
      endpoint.put("nodeName", nodeName);
    }
    if (address.path("targetRef").isObject()) {
      endpoint.set("targetRef", address.get("targetRef").deepCopy());
    }
    return endpoint;
  }

  /** Endpoints ports as slice ports: name (empty when unnamed), port, protocol, appProtocol; sorted. */
  private static ArrayNode ports(JsonNode ports) {
    List<ObjectNode> list = new ArrayList<>();
    for (JsonNode port : ports) {
      ObjectNode p = Json.object();
      p.put("name", port.path("name").asText(""));
      p.put("port", port.path("port").asInt());
      p.put("protocol", port.path("protocol").asText("TCP"));
      if (port.hasNonNull("appProtocol")) {
        p.put("appProtocol", port.get("appProtocol").asText());
      }
      list.add(p);
    }
    list.sort((a, b) -> a.toString().compareTo(b.toString()));
    return Json.MAPPER.createArrayNode().addAll(list);
  }

  private static String family(String ip) {
    if (ip.isEmpty()) {
      return null;
    }
    return ip.indexOf(':') >= 0 ? "IPv6" : "IPv4";
  }
}
