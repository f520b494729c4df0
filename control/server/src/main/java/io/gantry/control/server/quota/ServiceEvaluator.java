package io.gantry.control.server.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.ParsedQuantity;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The service evaluator: a Service counts against {@code services}, a LoadBalancer one against
 * {@code services.loadbalancers}, and NodePort and LoadBalancer ones against {@code services.nodeports}
 * one per port (a LoadBalancer that allocates no node ports only for ports that name one). Charged on
 * create and on update, since the type can change.
 */
final class ServiceEvaluator implements UsageEvaluator {

  static final String SERVICES = "services";
  static final String LOAD_BALANCERS = "services.loadbalancers";
  static final String NODE_PORTS = "services.nodeports";
  private static final List<String> RESOURCES = List.of(ObjectCountEvaluator.countName(ResourceTypes.SERVICES),
      SERVICES, NODE_PORTS, LOAD_BALANCERS);

  @Override
  public ResourceType type() {
    return ResourceTypes.SERVICES;
  }

  @Override
  public boolean chargesUpdates() {
    return true;
  }

  @Override
  public boolean accounts(String name) {
    return RESOURCES.contains(name);
  }

  @Override
  public Map<String, ParsedQuantity> usage(JsonNode service, Instant now) {
    TreeMap<String, ParsedQuantity> out = new TreeMap<>();
    out.put(RESOURCES.get(0), ParsedQuantity.of(1));
    out.put(SERVICES, ParsedQuantity.of(1));
    out.put(LOAD_BALANCERS, ParsedQuantity.ZERO);
    out.put(NODE_PORTS, ParsedQuantity.ZERO);
    JsonNode spec = service.path("spec");
    JsonNode ports = spec.path("ports");
    switch (spec.path("type").asText("")) {
      case "NodePort" -> out.put(NODE_PORTS, ParsedQuantity.of(ports.size()));
      case "LoadBalancer" -> {
        if (spec.path("allocateLoadBalancerNodePorts").isBoolean()
            && !spec.path("allocateLoadBalancerNodePorts").asBoolean()) {
          int named = 0;
          for (JsonNode port : ports) {
            named += port.path("nodePort").asInt(0) != 0 ? 1 : 0;
          }
          out.put(NODE_PORTS, ParsedQuantity.of(named));
        } else {
          out.put(NODE_PORTS, ParsedQuantity.of(ports.size()));
        }
        out.put(LOAD_BALANCERS, ParsedQuantity.of(1));
      }
      default -> { }
    }
    return out;
  }
}
