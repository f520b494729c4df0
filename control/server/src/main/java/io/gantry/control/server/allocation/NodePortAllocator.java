package io.gantry.control.server.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.TxnParts;
import io.gantry.control.server.registry.WritePlugin;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * NodePorts and health-check node ports from the NodePort range, reserved in the Service's own
 * write (kube-apiserver's {@code portallocator}, one reservation per port number).
 *
 * <ul>
 *   <li>{@code NodePort} and {@code LoadBalancer} Services (unless
 *       {@code allocateLoadBalancerNodePorts: false}) get a node port for every service port;
 *       ports of one Service with the same {@code port} number (TCP and UDP 53) share one, as
 *       upstream's {@code initNodePorts} does. Explicit node ports are honoured when in range and
 *       free, else 422 with upstream's message; an exhausted range is 500.
 *   <li>{@code LoadBalancer} Services with {@code externalTrafficPolicy: Local} get a
 *       {@code healthCheckNodePort} (an explicit one honoured; a conflict is 500 as upstream).
 *   <li>Updates keep the node ports a client leaves out, matching ports by name as upstream's
 *       {@code patchAllocatedValues}; ports that disappear are released; a change to ClusterIP or
 *       ExternalName drops and releases them all (upstream's {@code dropTypeDependentFields},
 *       which also drops the then meaningless {@code externalTrafficPolicy}); the health-check
 *       port goes when the policy or type no longer needs it. Deleting the Service releases all.
 * </ul>
 *
 * <p>Concurrency: stateless apart from the immutable pool; safe for concurrent writes.
 */
public final class NodePortAllocator implements WritePlugin {

  private final Store store;
  private final Pool pool;

  public NodePortAllocator(Store store, int min, int max) {
    this.store = Objects.requireNonNull(store, "store");
    this.pool = Pool.nodePorts(min, max);
  }

  public Pool pool() {
    return pool;
  }

  @Override
  public void prepareForUpdate(ResourceType type, ObjectNode object, ObjectNode old) {
    if (type != ResourceTypes.SERVICES) {
      return;
    }
    ObjectNode spec = Specs.spec(object);
    JsonNode oldSpec = old.path("spec");
    String newType = Specs.type(object);
    String oldType = Specs.type(old);
    defaultAllocateLoadBalancerNodePorts(spec, newType);
    Set<Integer> oldPorts = nodePorts(oldSpec);
    Set<Integer> newPorts = nodePorts(spec);
    boolean oldNeeds = Specs.needsNodePorts(oldType);
    boolean newNeeds = Specs.needsNodePorts(newType);
    if (oldNeeds && !newNeeds && oldPorts.containsAll(newPorts)) {
      Specs.ports(spec).forEach(p -> p.remove("nodePort"));
    }
    int hc = spec.path("healthCheckNodePort").asInt(0);
    int oldHc = oldSpec.path("healthCheckNodePort").asInt(0);
    if (Specs.needsHealthCheck(old) && !Specs.needsHealthCheck(object) && hc == oldHc) {
      spec.remove("healthCheckNodePort");
    }
    if (Specs.LOAD_BALANCER.equals(oldType) && !Specs.LOAD_BALANCER.equals(newType)) {
      for (String field : new String[] {"allocateLoadBalancerNodePorts", "loadBalancerClass"}) {
        if (Objects.equals(spec.get(field), oldSpec.get(field))) {
          spec.remove(field);
        }
      }
    }
    if (externallyAccessible(old) && !externallyAccessible(object)
        && Objects.equals(spec.get("externalTrafficPolicy"), oldSpec.get("externalTrafficPolicy"))) {
      spec.remove("externalTrafficPolicy");
    }
    if (oldNeeds && newNeeds) {
      Set<Integer> used = new LinkedHashSet<>(oldPorts);
      used.retainAll(newPorts);
      Map<String, Integer> byName = new HashMap<>();
      for (ObjectNode port : Specs.ports(oldSpec)) {
        byName.put(Specs.text(port, "name"), Specs.nodePort(port));
      }
      for (ObjectNode port : Specs.ports(spec)) {
        Integer previous = byName.get(Specs.text(port, "name"));
        if (Specs.nodePort(port) == 0 && previous != null && previous != 0 && !used.contains(previous)) {
          port.put("nodePort", previous);
        }
      }
    }
    if (Specs.needsHealthCheck(old) && Specs.needsHealthCheck(object) && hc == 0 && oldHc != 0) {
      spec.put("healthCheckNodePort", oldHc);
    }
  }

  @Override
  public TxnParts beforeWrite(ResourceType type, ObjectNode object, ObjectNode old) throws ApiException {
    if (type != ResourceTypes.SERVICES) {
      return TxnParts.NONE;
    }
    Claims claims = new Claims(store, Owner.of(type, object));
    String name = object.path("metadata").path("name").asText("");
    ObjectNode spec = Specs.spec(object);
    String serviceType = Specs.type(object);
    defaultAllocateLoadBalancerNodePorts(spec, serviceType);
    Set<Integer> held = old == null ? Set.of() : held(old);
    Set<Integer> now = new LinkedHashSet<>();
    if (Specs.needsNodePorts(serviceType)) {
      boolean allocate = Specs.NODE_PORT.equals(serviceType) || spec.path("allocateLoadBalancerNodePorts").asBoolean(true);
      assignNodePorts(type, name, Specs.ports(spec), allocate, held, now, claims);
    }
    int hc = spec.path("healthCheckNodePort").asInt(0);
    int oldHc = old == null ? 0 : old.path("spec").path("healthCheckNodePort").asInt(0);
    if (old != null && Specs.needsHealthCheck(old) && Specs.needsHealthCheck(object) && hc != oldHc) {
      throw AllocationErrors.forbidden(type, name, "spec.healthCheckNodePort", "field is immutable");
    }
    if (Specs.needsHealthCheck(object)) {
      if (hc == 0) {
        int slot = claims.allocate(pool);
        if (slot < 0) {
          throw AllocationErrors.internal("failed to allocate a HealthCheck NodePort: " + AllocationErrors.RANGE_FULL);
        }
        hc = port(slot);
        spec.put("healthCheckNodePort", hc);
      } else if (now.contains(hc)) {
        throw AllocationErrors.internal("failed to allocate requested HealthCheck NodePort " + hc + ": "
            + AllocationErrors.ALREADY_ALLOCATED_PORT);
      } else if (held.contains(hc)) {
        claims.keep(pool, pool.slotOf(Integer.toString(hc)));
      } else {
        String problem = reserveExplicit(hc, claims);
        if (problem != null) {
          throw AllocationErrors.internal("failed to allocate requested HealthCheck NodePort " + hc + ": " + problem);
        }
      }
      now.add(hc);
    } else if (hc != 0) {
      // validateServiceExternalTrafficPolicy words this as Invalid with the value, not Forbidden
      throw AllocationErrors.invalid(type, name, "spec.healthCheckNodePort", hc,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
    }
    for (int port : held) {
      int slot = pool.slotOf(Integer.toString(port));
      if (!now.contains(port) && slot >= 0) {
        claims.release(pool, slot);
      }
    }
    return claims.parts();
  }

  /** Upstream's {@code initNodePorts}/{@code updateNodePorts}: explicit ports first-come, the rest allocated. */
  private void assignNodePorts(ResourceType type, String name, List<ObjectNode> ports, boolean allocate,
      Set<Integer> held, Set<Integer> now, Claims claims) throws ApiException {
    Map<Integer, Integer> byServicePort = new HashMap<>();
    for (int i = 0; i < ports.size(); i++) {
      ObjectNode port = ports.get(i);
      int servicePort = port.path("port").asInt(0);
      int nodePort = Specs.nodePort(port);
      if (nodePort == 0) {
        if (!allocate) {
          continue;
        }
        Integer shared = byServicePort.get(servicePort);
        nodePort = shared != null ? shared : requestedLater(ports, i, servicePort);
      }
      if (nodePort == 0) {
        int slot = claims.allocate(pool);
        if (slot < 0) {
          throw AllocationErrors.internal("failed to allocate a nodePort: " + AllocationErrors.RANGE_FULL);
        }
        nodePort = port(slot);
      } else if (held.contains(nodePort)) {
        int slot = pool.slotOf(Integer.toString(nodePort));
        if (slot >= 0) {
          claims.keep(pool, slot);
        }
      } else if (!now.contains(nodePort)) {
        String problem = reserveExplicit(nodePort, claims);
        if (problem != null) {
          throw AllocationErrors.invalid(type, name, "spec.ports[" + i + "].nodePort", nodePort, problem);
        }
      }
      port.put("nodePort", nodePort);
      now.add(nodePort);
      byServicePort.putIfAbsent(servicePort, nodePort);
    }
  }

  /** Claims an explicitly requested port; the reason when it cannot be had. */
  private String reserveExplicit(int nodePort, Claims claims) {
    int slot = pool.slotOf(Integer.toString(nodePort));
    if (slot < 0) {
      return AllocationErrors.portNotInRange(pool);
    }
    switch (claims.holder(pool, slot)) {
      case ANOTHER -> {
        return AllocationErrors.ALREADY_ALLOCATED_PORT;
      }
      case THIS_OBJECT -> claims.keep(pool, slot);
      case NOBODY -> claims.claim(pool, slot);
    }
    return null;
  }

  /** A node port requested by a later port of the same service port number (upstream's findRequestedNodePort). */
  private static int requestedLater(List<ObjectNode> ports, int from, int servicePort) {
    for (int j = from + 1; j < ports.size(); j++) {
      if (ports.get(j).path("port").asInt(0) == servicePort && Specs.nodePort(ports.get(j)) != 0) {
        return Specs.nodePort(ports.get(j));
      }
    }
    return 0;
  }

  @Override
  public TxnParts beforeRemove(ResourceType type, ObjectNode old) {
    if (type != ResourceTypes.SERVICES) {
      return TxnParts.NONE;
    }
    Claims claims = new Claims(store, Owner.of(type, old));
    for (int port : held(old)) {
      int slot = pool.slotOf(Integer.toString(port));
      if (slot >= 0) {
        claims.release(pool, slot);
      }
    }
    return claims.parts();
  }

  private int port(int slot) {
    return Integer.parseInt(pool.label(slot));
  }

  /** The node ports and health-check port a stored Service records. */
  private static Set<Integer> held(ObjectNode service) {
    Set<Integer> ports = nodePorts(service.path("spec"));
    int hc = service.path("spec").path("healthCheckNodePort").asInt(0);
    if (hc != 0) {
      ports.add(hc);
    }
    return ports;
  }

  private static Set<Integer> nodePorts(JsonNode spec) {
    Set<Integer> ports = new LinkedHashSet<>();
    for (ObjectNode port : Specs.ports(spec)) {
      if (Specs.nodePort(port) != 0) {
        ports.add(Specs.nodePort(port));
      }
    }
    return ports;
  }

  /** SetDefaults_Service: LoadBalancer Services allocate node ports unless told not to. */
  private static void defaultAllocateLoadBalancerNodePorts(ObjectNode spec, String type) {
    if (Specs.LOAD_BALANCER.equals(type) && !spec.hasNonNull("allocateLoadBalancerNodePorts")) {
      spec.put("allocateLoadBalancerNodePorts", true);
    }
  }

  /** Upstream's {@code ExternallyAccessible}: NodePort, LoadBalancer, or ClusterIP with external IPs. */
  private static boolean externallyAccessible(JsonNode service) {
    String type = Specs.type(service);
    return Specs.needsNodePorts(type)
        || "ClusterIP".equals(type) && !service.path("spec").path("externalIPs").isEmpty();
  }
}
