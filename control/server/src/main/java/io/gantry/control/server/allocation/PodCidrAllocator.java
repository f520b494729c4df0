package io.gantry.control.server.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.TxnParts;
import io.gantry.control.server.registry.WritePlugin;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every Node's {@code spec.podCIDR}/{@code spec.podCIDRs}: one {@code /nodeCidrMaskSize} block of
 * the cluster pod CIDR, reserved in the Node's own write.
 *
 * <p>Kubernetes assigns these in kube-controller-manager's node IPAM controller after the Node
 * exists; doing it in the write is simpler and never shows a Node without a CIDR. The lowest free
 * block is taken on create, or on the first update of a Node that has none; an explicit free
 * block is honoured (one outside the cluster pod CIDR is left alone and not reserved, like a
 * CIDR the controller does not manage); the block is released when the Node is deleted. A full
 * pod CIDR leaves the Node without one (upstream's {@code CIDRNotAvailable}); a later write of
 * the Node tries again. An update may not change a CIDR once set (upstream's Node validation);
 * an update that leaves it out keeps it.
 *
 * <p>Concurrency: stateless apart from the immutable pool; safe for concurrent writes.
 */
public final class PodCidrAllocator implements WritePlugin {

  private final Store store;
  private final Ipv4Cidr cluster;
  private final int maskSize;
  private final Pool pool;

  public PodCidrAllocator(Store store, Ipv4Cidr podCidr, int nodeCidrMaskSize) {
    this.store = Objects.requireNonNull(store, "store");
    this.cluster = Objects.requireNonNull(podCidr, "podCidr");
    this.maskSize = nodeCidrMaskSize;
    this.pool = Pool.podCidrs(podCidr, nodeCidrMaskSize);
  }

  public Pool pool() {
    return pool;
  }

  @Override
  public void prepareForUpdate(ResourceType type, ObjectNode object, ObjectNode old) throws ApiException {
    if (type != ResourceTypes.NODES) {
      return;
    }
    List<String> before = cidrs(old.path("spec"));
    if (before.isEmpty()) {
      return;
    }
    ObjectNode spec = Specs.spec(object);
    List<String> now = cidrs(spec);
    if (now.isEmpty()) {
      spec.set("podCIDR", old.path("spec").get("podCIDR") != null
          ? old.path("spec").get("podCIDR") : spec.textNode(before.get(0)));
      var list = spec.putArray("podCIDRs");
      before.forEach(list::add);
    } else if (!now.equals(before)) {
      throw AllocationErrors.forbidden(type, object.path("metadata").path("name").asText(""), "spec.podCIDRs",
          "node updates may not change podCIDR except from \"\" to valid");
    }
  }

  @Override
  public TxnParts beforeWrite(ResourceType type, ObjectNode object, ObjectNode old) throws ApiException {
    if (type != ResourceTypes.NODES) {
      return TxnParts.NONE;
    }
    Claims claims = new Claims(store, Owner.of(type, object));
    String name = object.path("metadata").path("name").asText("");
    ObjectNode spec = Specs.spec(object);
    List<String> cidrs = cidrs(spec);
    int oldSlot = old == null ? -1 : heldSlot(old);
    String cidr;
    int slot;
    if (cidrs.isEmpty()) {
      slot = claims.allocate(pool);
      if (slot < 0) {
        return claims.parts();
      }
      cidr = block(slot);
    } else {
      cidr = cidrs.get(0);
      Ipv4Cidr block = parse(cidr);
      slot = block == null ? -1 : pool.slotOf(Ipv4Cidr.format(block.base()) + "-" + block.prefix());
      if (slot >= 0 && slot == oldSlot) {
        claims.keep(pool, slot);
      } else if (slot >= 0) {
        switch (claims.holder(pool, slot)) {
          case ANOTHER -> throw AllocationErrors.invalid(type, name, "spec.podCIDR", cidr,
              "failed to allocate CIDR " + cidr + ": provided CIDR is already allocated");
          case THIS_OBJECT -> claims.keep(pool, slot);
          case NOBODY -> claims.claim(pool, slot);
        }
      } else if (block != null && block.overlaps(cluster)) {
        throw AllocationErrors.invalid(type, name, "spec.podCIDR", cidr,
            "must be a /" + maskSize + " block of the cluster pod CIDR " + cluster + " or lie outside it");
      }
    }
    if (oldSlot >= 0 && oldSlot != slot) {
      claims.release(pool, oldSlot);
    }
    spec.put("podCIDR", cidr);
    if (cidrs.size() <= 1) {
      spec.putArray("podCIDRs").add(cidr);
    }
    return claims.parts();
  }

  @Override
  public TxnParts beforeRemove(ResourceType type, ObjectNode old) {
    if (type != ResourceTypes.NODES) {
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

  /** The block a slot stands for, as {@code a.b.c.d/n}. */
  private String block(int slot) {
    String label = pool.label(slot);
    return label.substring(0, label.lastIndexOf('-')) + "/" + maskSize;
  }

  private int heldSlot(ObjectNode node) {
    List<String> cidrs = cidrs(node.path("spec"));
    Ipv4Cidr block = cidrs.isEmpty() ? null : parse(cidrs.get(0));
    return block == null ? -1 : pool.slotOf(Ipv4Cidr.format(block.base()) + "-" + block.prefix());
  }

  /** An IPv4 CIDR, its host bits cleared as Go's ParseCIDR does; null when not IPv4 or malformed. */
  private static Ipv4Cidr parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return null;
    }
    long address = Ipv4Cidr.parseAddress(text.substring(0, slash));
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (address < 0 || prefix < 0 || prefix > 32) {
      return null;
    }
    long mask = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    return new Ipv4Cidr(address & mask, prefix);
  }

  /** {@code spec.podCIDRs}, or {@code [spec.podCIDR]} when only that is set. */
  private static List<String> cidrs(JsonNode spec) {
    List<String> cidrs = new ArrayList<>();
    for (JsonNode cidr : spec.path("podCIDRs")) {
      cidrs.add(cidr.asText(""));
    }
    String single = Specs.text(spec, "podCIDR");
    if (cidrs.isEmpty() && !single.isEmpty()) {
      cidrs.add(single);
    }
    return cidrs;
  }
}
