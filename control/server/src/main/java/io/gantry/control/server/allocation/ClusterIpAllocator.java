package io.gantry.control.server.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.TxnParts;
import io.gantry.control.server.registry.WritePlugin;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import java.util.List;
import java.util.Objects;

/**
 * Service ClusterIPs from the service CIDR, reserved in the Service's own write (kube-apiserver's
 * {@code ipallocator} with the reservation keys as its bitmap).
 *
 * <ul>
 *   <li>An explicit {@code spec.clusterIP} / {@code spec.clusterIPs[0]} is honoured when it is in
 *       range and free, else 422 with upstream's message; {@code None} makes a headless Service
 *       and ExternalName Services get no address.
 *   <li>Otherwise a random free address is taken, preferring the upper band of the range (the low
 *       band, which holds the {@code kubernetes} Service's first address, is kept for explicit
 *       requests); an exhausted range is 500 {@code failed to allocate a serviceIP: range is full}.
 *   <li>The address is released with the Service, and when it becomes an ExternalName Service.
 *   <li>Updates keep the address: a client that leaves {@code clusterIP}/{@code clusterIPs} out
 *       (a PUT of the original manifest) gets them copied from the stored object, as upstream's
 *       {@code patchAllocatedValues} does; an explicit different value is refused by validation.
 *   <li>{@code ipFamilies: [IPv4]} and {@code ipFamilyPolicy} are filled in as upstream does on a
 *       single-stack IPv4 cluster (a selectorless headless Service gets {@code RequireDualStack} and
 *       both families, the one it names first).
 * </ul>
 *
 * <p>Concurrency: stateless apart from the immutable pool; safe for concurrent writes.
 */
public final class ClusterIpAllocator implements WritePlugin {

  private final Store store;
  private final Pool pool;

  public ClusterIpAllocator(Store store, Ipv4Cidr serviceCidr) {
    this.store = Objects.requireNonNull(store, "store");
    this.pool = Pool.serviceIps(Objects.requireNonNull(serviceCidr, "serviceCidr"));
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
    boolean oldNeeds = !Specs.EXTERNAL_NAME.equals(Specs.type(old));
    boolean newNeeds = !Specs.EXTERNAL_NAME.equals(Specs.type(object));
    String oldClusterIP = Specs.text(oldSpec, "clusterIP");
    if (oldNeeds && newNeeds) {
      // patchAllocatedValues: what the server allocated survives a client that leaves it out
      if (Specs.text(spec, "clusterIP").isEmpty() && !oldClusterIP.isEmpty()) {
        spec.put("clusterIP", oldClusterIP);
      }
      if (spec.path("clusterIPs").isEmpty() && !oldSpec.path("clusterIPs").isEmpty()) {
        spec.set("clusterIPs", oldSpec.get("clusterIPs").deepCopy());
      }
    }
    normalizeClusterIPs(spec, oldSpec);
    if (oldNeeds && !newNeeds) {
      // dropTypeDependentFields: what the server filled in goes; what the client changed stays (and fails validation)
      if (same(spec, oldSpec, "clusterIP") && same(spec, oldSpec, "clusterIPs")) {
        spec.remove("clusterIP");
        spec.remove("clusterIPs");
      }
      if (same(spec, oldSpec, "ipFamilies")) {
        spec.remove("ipFamilies");
      }
      if (same(spec, oldSpec, "ipFamilyPolicy")) {
        spec.remove("ipFamilyPolicy");
      }
      return;
    }
    if (!oldNeeds || !newNeeds) {
      return;
    }
    if (Specs.text(spec, "ipFamilyPolicy").isEmpty() && !Specs.text(oldSpec, "ipFamilyPolicy").isEmpty()) {
      spec.set("ipFamilyPolicy", oldSpec.get("ipFamilyPolicy"));
    }
    if (spec.path("ipFamilies").isEmpty() && !oldSpec.path("ipFamilies").isEmpty()
        && Specs.clusterIPs(spec).equals(Specs.clusterIPs(oldSpec))) {
      spec.set("ipFamilies", oldSpec.get("ipFamilies").deepCopy());
    }
  }

  /**
   * Upstream's {@code NormalizeClusterIPs} on update: a client that kept {@code clusterIP} but dropped
   * {@code clusterIPs} keeps them; one that cleared or changed only {@code clusterIP} speaks for both.
   */
  private static void normalizeClusterIPs(ObjectNode spec, JsonNode oldSpec) {
    String clusterIP = Specs.text(spec, "clusterIP");
    String oldClusterIP = Specs.text(oldSpec, "clusterIP");
    if (!oldSpec.path("clusterIPs").isEmpty() && spec.path("clusterIPs").isEmpty() && clusterIP.equals(oldClusterIP)) {
      spec.set("clusterIPs", oldSpec.get("clusterIPs").deepCopy());
    }
    if (!clusterIP.equals(oldClusterIP) && same(spec, oldSpec, "clusterIPs")) {
      if (clusterIP.isEmpty()) {
        spec.remove("clusterIPs");
      } else {
        spec.putArray("clusterIPs").add(clusterIP);
      }
    }
  }

  private static boolean same(JsonNode spec, JsonNode oldSpec, String field) {
    return Objects.equals(spec.get(field), oldSpec.get(field));
  }

  @Override
  public TxnParts beforeWrite(ResourceType type, ObjectNode object, ObjectNode old) throws ApiException {
    if (type != ResourceTypes.SERVICES) {
      return TxnParts.NONE;
    }
    Claims claims = new Claims(store, Owner.of(type, object));
    String name = object.path("metadata").path("name").asText("");
    int oldSlot = old == null ? -1 : heldSlot(old);
    ObjectNode spec = Specs.spec(object);
    if (Specs.EXTERNAL_NAME.equals(Specs.type(object))) {
      release(claims, oldSlot);
      return claims.parts();
    }
    List<String> ips = Specs.clusterIPs(spec);
    checkSingleStack(type, name, spec, ips);
    if (!ips.isEmpty() && Specs.NONE.equals(ips.get(0))) {
      boolean selectorless = spec.path("selector").isEmpty();
      if (!selectorless) {
        checkFamilies(type, name, spec, List.of()); // held to the cluster's family, as a Service with an address
      }
      headless(spec, selectorless);
      release(claims, oldSlot);
      return claims.parts();
    }
    checkFamilies(type, name, spec, ips);
    String ip = ips.isEmpty() ? "" : ips.get(0);
    int slot;
    if (ip.isEmpty()) {
      slot = claims.allocate(pool);
      if (slot < 0) {
        throw AllocationErrors.internal("failed to allocate a serviceIP: " + AllocationErrors.RANGE_FULL);
      }
      ip = pool.label(slot);
    } else {
      slot = pool.slotOf(ip);
      if (slot >= 0 && slot == oldSlot) {
        claims.keep(pool, slot);
      } else if (slot < 0) {
        throw AllocationErrors.invalid(type, name, "spec.clusterIPs", ips,
            "failed to allocate IP " + ip + ": " + AllocationErrors.ipNotInRange(ip, pool));
      } else {
        switch (claims.holder(pool, slot)) {
          case ANOTHER -> throw AllocationErrors.invalid(type, name, "spec.clusterIPs", ips,
              "failed to allocate IP " + ip + ": " + AllocationErrors.ALREADY_ALLOCATED_IP);
          case THIS_OBJECT -> claims.keep(pool, slot);
          case NOBODY -> claims.claim(pool, slot);
        }
      }
    }
    if (oldSlot >= 0 && oldSlot != slot) {
      claims.release(pool, oldSlot);
    }
    spec.put("clusterIP", ip);
    spec.putArray("clusterIPs").add(ip);
    if (spec.path("ipFamilies").isEmpty()) {
      spec.putArray("ipFamilies").add("IPv4");
    }
    if (Specs.text(spec, "ipFamilyPolicy").isEmpty()) {
      spec.put("ipFamilyPolicy", "SingleStack");
    }
    return claims.parts();
  }

  @Override
  public TxnParts beforeRemove(ResourceType type, ObjectNode old) {
    if (type != ResourceTypes.SERVICES) {
      return TxnParts.NONE;
    }
    Claims claims = new Claims(store, Owner.of(type, old));
    release(claims, heldSlot(old));
    return claims.parts();
  }

  private void release(Claims claims, int slot) {
    if (slot >= 0) {
      claims.release(pool, slot);
    }
  }

  /** The slot of the address a stored Service records, or -1 (none, headless, ExternalName, out of range). */
  private int heldSlot(ObjectNode service) {
    if (Specs.EXTERNAL_NAME.equals(Specs.type(service))) {
      return -1;
    }
    List<String> ips = Specs.clusterIPs(service.path("spec"));
    return ips.isEmpty() ? -1 : pool.slotOf(ips.get(0));
  }

  /**
   * A headless Service's fields: no address, one family by default; initIPFamilyFields' special
   * case for a selectorless one, which is not limited to the cluster's families, asks for both
   * unless it says SingleStack, the one it names first.
   */
  private static void headless(ObjectNode spec, boolean selectorless) {
    spec.put("clusterIP", Specs.NONE);
    spec.putArray("clusterIPs").add(Specs.NONE);
    if (Specs.text(spec, "ipFamilyPolicy").isEmpty()) {
      spec.put("ipFamilyPolicy", selectorless ? "RequireDualStack" : "SingleStack");
    }
    if (spec.path("ipFamilies").isEmpty()) {
      spec.putArray("ipFamilies").add("IPv4");
    }
    ArrayNode families = (ArrayNode) spec.get("ipFamilies");
    if (selectorless && families.size() < 2 && !"SingleStack".equals(Specs.text(spec, "ipFamilyPolicy"))) {
      families.add("IPv4".equals(families.get(0).asText()) ? "IPv6" : "IPv4");
    }
  }

  /** initIPFamilyFields' first check, before any special case: SingleStack means one of each. */
  private static void checkSingleStack(ResourceType type, String name, JsonNode spec, List<String> ips)
      throws ApiException {
    String policy = Specs.text(spec, "ipFamilyPolicy");
    if (!"SingleStack".equals(policy)) {
      return;
    }
    if (ips.size() > 1) {
      throw AllocationErrors.invalid(type, name, "spec.ipFamilyPolicy", policy,
          "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified");
    }
    if (spec.path("ipFamilies").size() > 1) {
      throw AllocationErrors.invalid(type, name, "spec.ipFamilyPolicy", policy,
          "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified");
    }
  }

  /** This cluster is single-stack IPv4: refuse what asks for more, in upstream's words. */
  private static void checkFamilies(ResourceType type, String name, JsonNode spec, List<String> ips)
      throws ApiException {
    String policy = Specs.text(spec, "ipFamilyPolicy");
    if ("RequireDualStack".equals(policy)) {
      throw AllocationErrors.invalid(type, name, "spec.ipFamilyPolicy", policy,
          "this cluster is not configured for dual-stack services");
    }
    int i = 0;
    for (JsonNode family : spec.path("ipFamilies")) {
      if (!"IPv4".equals(family.asText())) {
        throw AllocationErrors.invalid(type, name, "spec.ipFamilies[" + i + "]", family.asText(),
            "not configured on this cluster");
      }
      i++;
    }
    for (int j = 0; j < ips.size(); j++) {
      if (ips.get(j).contains(":")) {
        throw AllocationErrors.invalid(type, name, "spec.clusterIPs[" + j + "]", ips,
            "IPv6 is not configured on this cluster");
      }
      if (j > 0) {
        throw AllocationErrors.invalid(type, name, "spec.clusterIPs[" + j + "]", ips,
            "this cluster is not configured for dual-stack services");
      }
    }
  }
}
