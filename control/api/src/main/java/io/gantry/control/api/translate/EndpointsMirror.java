package io.gantry.control.api.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A core/v1 Endpoints object as EndpointSlices, as the EndpointSlice mirroring controller writes
 * them, for the static modes that read a folder of YAML without a control component: one slice
 * per subset and address family, {@code addresses} ready and {@code notReadyAddresses} not,
 * each address's hostname and node kept. An Endpoints labelled
 * {@code endpointslice.kubernetes.io/skip-mirror: "true"} gives none.
 *
 * <p>Pure functions; thread-safe.
 */
public final class EndpointsMirror {

  private static final String SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private EndpointsMirror() {
  }

  /** The slices mirroring {@code endpoints} (its namespace already set), labelled with its name as the service. */
  public static List<ObjectNode> slices(ObjectNode endpoints) {
    JsonNode metadata = endpoints.path("metadata");
    List<ObjectNode> slices = new ArrayList<>();
    if ("true".equals(metadata.path("labels").path(SKIP_MIRROR).asText())) {
      return slices;
    }
    String name = metadata.path("name").asText("");
    int index = 0;
    for (JsonNode subset : endpoints.path("subsets")) {
      for (String family : List.of("IPv4", "IPv6")) {
        ArrayNode members = F.arrayNode();
        add(members, subset.path("addresses"), family, true);
        add(members, subset.path("notReadyAddresses"), family, false);
        if (members.isEmpty()) {
          continue;
        }
        ObjectNode slice = F.objectNode().put("apiVersion", "discovery.k8s.io/v1").put("kind", "EndpointSlice");
        ObjectNode meta = slice.putObject("metadata");
        meta.put("name", name + "-mirror-" + index++).put("namespace", metadata.path("namespace").asText("default"));
        meta.putObject("labels").put(EndpointAggregator.SERVICE_NAME_LABEL, name);
        slice.put("addressType", family);
        slice.set("endpoints", members);
        ArrayNode ports = slice.putArray("ports");
        for (JsonNode port : subset.path("ports")) {
          ports.add(port.deepCopy());
        }
        slices.add(slice);
      }
    }
    return slices;
  }

  private static void add(ArrayNode members, JsonNode addresses, String family, boolean ready) {
    for (JsonNode address : addresses) {
      String ip = address.path("ip").asText("");
      if (ip.isEmpty() || ip.contains(":") != family.equals("IPv6")) {
        continue;
      }
      ObjectNode member = members.addObject();
      member.putArray("addresses").add(ip);
      member.putObject("conditions").put("ready", ready);
      if (address.hasNonNull("hostname")) {
        member.put("hostname", address.path("hostname").asText());
      }
      if (address.hasNonNull("nodeName")) {
        member.put("nodeName", address.path("nodeName").asText());
      }
    }
  }
}
