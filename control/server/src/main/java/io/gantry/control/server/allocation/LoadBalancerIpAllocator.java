package io.gantry.control.server.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.TxnParts;
import io.gantry.control.server.registry.WritePlugin;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LoadBalancer addresses from a local pool, MetalLB-style, written to
 * {@code status.loadBalancer.ingress[0]} in the Service's own write.
 *
 * <ul>
 *   <li>A {@code type: LoadBalancer} Service without a {@code loadBalancerClass} (a class means
 *       another implementation owns it, as upstream's service controller assumes) gets the lowest
 *       free address, {@code ipMode: VIP}. A requested address ({@code spec.loadBalancerIP}, or
 *       MetalLB's {@code metallb.universe.tf/loadBalancerIPs} annotation) is honoured when in the
 *       pool and free; otherwise the Service is accepted and stays pending, as with MetalLB (the
 *       field is a hint to the implementation that the API server does not check), with a warning
 *       in the log.
 *   <li>An exhausted pool leaves the Service pending (no ingress, {@code <pending>} in kubectl), as
 *       MetalLB does; the next write of the Service tries again.
 *   <li>The address is released with the Service, when its type changes (the status is then
 *       cleared, as upstream's {@code dropTypeDependentFields} does) or when it gets a class.
 * </ul>
 *
 * <p>Status: Services have a status subresource, so a main-resource write carries the stored
 * status; the registry copies it into the new object before calling plugins, and this plugin then
 * sets the ingress, so the address is in the same transaction whichever endpoint wrote. A status
 * write that drops or changes the ingress gets the held address put back.
 *
 * <p>Concurrency: stateless apart from the immutable pool; safe for concurrent writes.
 */
public final class LoadBalancerIpAllocator implements WritePlugin {

  private static final Logger log = LoggerFactory.getLogger(LoadBalancerIpAllocator.class);

  /** MetalLB's annotation requesting addresses (comma-separated; the first IPv4 one is used). */
  public static final String METALLB_ANNOTATION = "metallb.universe.tf/loadBalancerIPs";

  private final Store store;
  private final Pool pool;

  public LoadBalancerIpAllocator(Store store, Ipv4Cidr pool) {
    this.store = Objects.requireNonNull(store, "store");
    this.pool = Pool.loadBalancerIps(Objects.requireNonNull(pool, "pool"));
  }

  public Pool pool() {
    return pool;
  }

  @Override
  public void prepareForUpdate(ResourceType type, ObjectNode object, ObjectNode old) {
    if (type == ResourceTypes.SERVICES && !Specs.LOAD_BALANCER.equals(Specs.type(object))
        && object.get("status") instanceof ObjectNode status) {
      ObjectNode cleared = status.deepCopy();
      cleared.putObject("loadBalancer");
      object.set("status", cleared);
    }
  }

  @Override
  public TxnParts beforeWrite(ResourceType type, ObjectNode object, ObjectNode old) throws ApiException {
    if (type != ResourceTypes.SERVICES) {
      return TxnParts.NONE;
    }
    Claims claims = new Claims(store, Owner.of(type, object));
    int oldSlot = old == null ? -1 : heldSlot(old);
    if (!managed(object)) {
      if (oldSlot >= 0) {
        claims.release(pool, oldSlot);
        if (ingressIp(object).equals(pool.label(oldSlot))) {
          loadBalancerStatus(object).remove("ingress");
        }
      }
      return claims.parts();
    }
    String requested = Specs.text(object.path("spec"), "loadBalancerIP");
    if (requested.isEmpty()) {
      requested = annotated(object);
    }
    int slot;
    if (!requested.isEmpty()) {
      slot = pool.slotOf(requested);
      if (slot >= 0 && slot == oldSlot) {
        claims.keep(pool, slot);
      } else if (slot < 0) {
        pending(object, requested, AllocationErrors.ipNotInRange(requested, pool));
      } else {
        switch (claims.holder(pool, slot)) {
          case ANOTHER -> {
            pending(object, requested, AllocationErrors.ALREADY_ALLOCATED_IP);
            slot = -1;
          }
          case THIS_OBJECT -> claims.keep(pool, slot);
          case NOBODY -> claims.claim(pool, slot);
        }
      }
    } else if (oldSlot >= 0) {
      slot = oldSlot;
      claims.keep(pool, slot);
    } else {
      slot = claims.allocate(pool);
    }
    if (oldSlot >= 0 && oldSlot != slot) {
      claims.release(pool, oldSlot);
    }
    ObjectNode lb = loadBalancerStatus(object);
    lb.remove("ingress");
    if (slot >= 0) {
      ObjectNode ingress = lb.putArray("ingress").addObject();
      ingress.put("ip", pool.label(slot));
      ingress.put("ipMode", "VIP");
    }
    return claims.parts();
  }

  @Override
  public TxnParts beforeRemove(ResourceType type, ObjectNode old) {
    if (type != ResourceTypes.SERVICES) {
      return TxnParts.NONE;
    }
    int slot = heldSlot(old);
    if (slot < 0) {
      return TxnParts.NONE;
    }
    Claims claims = new Claims(store, Owner.of(type, old));
    claims.release(pool, slot);
    return claims.parts();
  }

  /** A requested address that cannot be had leaves the Service pending, as MetalLB does (the API accepts it). */
  private static void pending(ObjectNode service, String requested, String reason) {
    log.warn("service {}/{}: LoadBalancer address {} cannot be assigned ({}); the Service stays pending",
        service.path("metadata").path("namespace").asText(""), service.path("metadata").path("name").asText(""),
        requested, reason);
  }

  private static boolean managed(JsonNode service) {
    return Specs.LOAD_BALANCER.equals(Specs.type(service))
        && Specs.text(service.path("spec"), "loadBalancerClass").isEmpty();
  }

  /** The pool slot of the address a stored Service shows, or -1. */
  private int heldSlot(ObjectNode service) {
    String ip = ingressIp(service);
    return ip.isEmpty() ? -1 : pool.slotOf(ip);
  }

  private static String ingressIp(JsonNode service) {
    return Specs.text(service.path("status").path("loadBalancer").path("ingress").path(0), "ip");
  }

  private static String annotated(JsonNode service) {
    String value = Specs.text(service.path("metadata").path("annotations"), METALLB_ANNOTATION);
    for (String ip : value.split(",")) {
      String trimmed = ip.trim();
      if (!trimmed.isEmpty() && !trimmed.contains(":")) {
        return trimmed;
      }
    }
    return "";
  }

  /** The object's own (copied) {@code status.loadBalancer}, safe to change whatever the caller aliased. */
  private static ObjectNode loadBalancerStatus(ObjectNode service) {
    ObjectNode status = service.get("status") instanceof ObjectNode s ? s.deepCopy() : service.objectNode();
    service.set("status", status);
    return status.get("loadBalancer") instanceof ObjectNode lb ? lb : status.putObject("loadBalancer");
  }
}
