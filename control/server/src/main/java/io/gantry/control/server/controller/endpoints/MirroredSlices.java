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
 * {@code Endpoints}: its subsets repacked as upstream's {@code RepackSubsets} does, then one slice
 * per subset and address family, at most {@link #MAX_ENDPOINTS_PER_SUBSET} addresses per subset
 * (ready ones first). Endpoints carry only the {@code ready} condition, with the address's
 * hostname, nodeName and targetRef. The slice takes the Endpoints' labels and annotations (minus the
 * trigger time and kubectl's last-applied configuration), the {@code kubernetes.io/service-name} and
 * mirroring {@code managed-by} labels, and a controller reference to the Endpoints.
 */
final class MirroredSlices {

  static final String CONTROLLER_NAME = "endpointslicemirroring-controller.k8s.io";
  /** Upstream's {@code --mirroring-max-endpoints-per-subset} default. */
  static final int MAX_ENDPOINTS_PER_SUBSET = 1000;
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private MirroredSlices() {}

  /**
   * What an Endpoints mirrors to: the slices (no name yet) keyed by {@link #key} in a stable order,
   * and how many addresses were left out for not being IP addresses or for being over the limit.
   */
  record Mirror(Map<String, ObjectNode> slices, int invalidAddresses, int overLimit) {}

  /** The desired slices of {@code endpoints}, and what they leave out. */
  static Mirror desired(ObjectNode endpoints) {
    Map<String, ObjectNode> slices = new LinkedHashMap<>();
    int invalid = 0;
    int overLimit = 0;
    for (Subset subset : repack(endpoints.path("subsets"))) {
      // key -> ip -> endpoint; TreeMaps keep slices and their endpoints in a canonical order
      Map<String, Map<String, ObjectNode>> byFamily = new TreeMap<>();
      int added = 0;
      for (boolean ready : new boolean[] {true, false}) {
        for (Map.Entry<String, Boolean> address : subset.addresses().entrySet()) {
          if (address.getValue() != ready) {
            continue;
          }
          JsonNode node = subset.nodes().get(address.getKey());
          String ip = node.path("ip").asText("");
          String family = family(ip);
          if (added >= MAX_ENDPOINTS_PER_SUBSET) {
            overLimit++;
          } else if (family == null) {
            invalid++;
          } else {
            byFamily.computeIfAbsent(family, k -> new TreeMap<>()).putIfAbsent(ip, endpoint(node, ip, ready));
            added++;
          }
        }
      }
      byFamily.forEach((family, group) -> {
        ObjectNode slice = template(endpoints);
        slice.put("addressType", family);
        slice.putArray("endpoints").addAll(new ArrayList<>(group.values()));
        slice.set("ports", subset.ports().deepCopy());
        slices.put(family + " " + portsKey(subset.ports()), slice);
      });
    }
    return new Mirror(slices, invalid, overLimit);
  }

  /** A repacked subset: its ports (as slice ports) and its addresses by key, each with its readiness. */
  private record Subset(ArrayNode ports, Map<String, Boolean> addresses, Map<String, JsonNode> nodes) {}

  /**
   * Upstream's {@code RepackSubsets}: every port is offered by a set of addresses (ready wins when an
   * address is listed both ways); ports offered by the same set form one subset, so an address listed
   * under several subsets ends up once per distinct port group, never twice in one.
   */
  private static List<Subset> repack(JsonNode subsets) {
    Map<String, JsonNode> nodes = new TreeMap<>();
    Map<String, ObjectNode> portsByKey = new TreeMap<>();
    Map<String, Map<String, Boolean>> addressesByPort = new TreeMap<>();
    for (JsonNode subset : subsets) {
      List<ObjectNode> ports = new ArrayList<>();
      subset.path("ports").forEach(port -> ports.add(port(port)));
      if (ports.isEmpty()) {
        ports.add(null); // upstream's sentinel: addresses without ports are kept
      }
      for (ObjectNode port : ports) {
        String portKey = port == null ? "" : port.toString();
        if (port != null) {
          portsByKey.put(portKey, port);
        }
        Map<String, Boolean> addresses = addressesByPort.computeIfAbsent(portKey, k -> new TreeMap<>());
        for (String list : List.of("addresses", "notReadyAddresses")) {
          boolean ready = list.equals("addresses");
          for (JsonNode address : subset.path(list)) {
            String key = address.path("ip").asText("") + "/" + address.path("targetRef").path("uid").asText("");
            nodes.putIfAbsent(key, address);
            addresses.merge(key, ready, Boolean::logicalOr);
          }
        }
      }
    }
    Map<String, Subset> bySet = new TreeMap<>();
    addressesByPort.forEach((portKey, addresses) -> {
      Subset subset = bySet.computeIfAbsent(addresses.toString(),
          k -> new Subset(Json.MAPPER.createArrayNode(), addresses, nodes));
      if (!portKey.isEmpty()) {
        subset.ports().add(portsByKey.get(portKey));
      }
    });
    return new ArrayList<>(bySet.values());
  }

  /** The key of an existing slice, comparable with those of {@link #desired}. */
  static String key(JsonNode slice) {
    return slice.path("addressType").asText("") + " " + portsKey(slice.path("ports"));
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

  /** An Endpoints port as a slice port: name (empty when unnamed), port, protocol, appProtocol. */
  private static ObjectNode port(JsonNode port) {
    ObjectNode p = Json.object();
    p.put("name", port.path("name").asText(""));
    p.put("port", port.path("port").asInt());
    p.put("protocol", port.path("protocol").asText("TCP"));
    if (port.hasNonNull("appProtocol")) {
      p.put("appProtocol", port.get("appProtocol").asText());
    }
    return p;
  }

  /** The ports of a slice in a canonical order, for keys. */
  private static String portsKey(JsonNode ports) {
    List<String> list = new ArrayList<>();
    ports.forEach(port -> list.add(port(port).toString()));
    list.sort(null);
    return list.toString();
  }

  private static String family(String ip) {
    if (ip.isEmpty()) {
      return null;
    }
    return ip.indexOf(':') >= 0 ? "IPv6" : "IPv4";
  }
}
