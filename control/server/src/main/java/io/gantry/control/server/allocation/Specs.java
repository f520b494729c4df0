package io.gantry.control.server.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Small readers of Service and Node specs shared by the allocators. */
final class Specs {

  static final String EXTERNAL_NAME = "ExternalName";
  static final String NODE_PORT = "NodePort";
  static final String LOAD_BALANCER = "LoadBalancer";
  static final String NONE = "None";

  private Specs() {}

  /** The object's {@code spec}, created when missing. */
  static ObjectNode spec(ObjectNode object) {
    JsonNode spec = object.get("spec");
    return spec instanceof ObjectNode o ? o : object.putObject("spec");
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? "" : value.asText("");
  }

  static String type(JsonNode service) {
    String type = text(service.path("spec"), "type");
    return type.isEmpty() ? "ClusterIP" : type;
  }

  /** {@code spec.clusterIPs}, or {@code [spec.clusterIP]} when only that is set. */
  static List<String> clusterIPs(JsonNode spec) {
    List<String> ips = new ArrayList<>();
    for (JsonNode ip : spec.path("clusterIPs")) {
      ips.add(ip.asText(""));
    }
    String single = text(spec, "clusterIP");
    if (ips.isEmpty() && !single.isEmpty()) {
      ips.add(single);
    }
    return ips;
  }

  static List<ObjectNode> ports(JsonNode spec) {
    List<ObjectNode> ports = new ArrayList<>();
    for (JsonNode port : spec.path("ports")) {
      if (port instanceof ObjectNode p) {
        ports.add(p);
      }
    }
    return ports;
  }

  static int nodePort(JsonNode port) {
    return port.path("nodePort").asInt(0);
  }

  static boolean needsNodePorts(String type) {
    return NODE_PORT.equals(type) || LOAD_BALANCER.equals(type);
  }

  /** Upstream's {@code NeedsHealthCheck}: LoadBalancer Services with {@code externalTrafficPolicy: Local}. */
  static boolean needsHealthCheck(JsonNode service) {
    return LOAD_BALANCER.equals(type(service)) && "Local".equals(text(service.path("spec"), "externalTrafficPolicy"));
  }
}
