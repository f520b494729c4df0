package io.gantry.control.server.allocation;

import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.RangeResult;
import io.gantry.control.server.store.Store;
import java.util.BitSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * A finite set of numbered slots (addresses, ports, CIDR blocks) whose reservations are store
 * keys {@code /registry/allocations/<name>/<label>}: the keys are the allocator's whole state, so
 * a restart needs no recovery and a transaction's compare decides every race.
 *
 * <p>Dynamic allocation either picks a random free slot, preferring the slots at or above
 * {@code dynamicStart} (Kubernetes keeps the low band of the service CIDR and the NodePort range
 * for explicit requests), or the lowest free slot (MetalLB's addresses, node pod CIDRs).
 *
 * <p>Concurrency: immutable; {@link #allocate} only reads the store, the caller's transaction
 * makes the choice stick.
 */
public final class Pool {

  /** Where every reservation lives in the store. */
  public static final String ROOT = "/registry/allocations/";

  private static final int RANDOM_PROBES = 8;

  private final String name;
  private final int size;
  private final int dynamicStart;
  private final boolean lowestFirst;
  private final String range;
  private final IntFunction<String> label;
  private final ToIntFunction<String> slot;

  /**
   * @param name         the key segment, such as {@code serviceips}
   * @param size         how many slots there are
   * @param dynamicStart the first slot of the band dynamic allocation prefers (0: no preference)
   * @param lowestFirst  hand out the lowest free slot instead of a random one
   * @param range        how error messages name the valid range, such as {@code 30000-32767}
   * @param label        a slot's key label, such as {@code 127.96.0.10}
   * @param slot         a label's slot, or -1 when it is not one of this pool's
   */
  Pool(String name, int size, int dynamicStart, boolean lowestFirst, String range, IntFunction<String> label,
      ToIntFunction<String> slot) {
    this.name = Objects.requireNonNull(name, "name");
    if (size < 0 || dynamicStart < 0 || dynamicStart > size) {
      throw new IllegalArgumentException("pool " + name + ": size " + size + ", dynamicStart " + dynamicStart
          + " (expected: 0 <= dynamicStart <= size)");
    }
    this.size = size;
    this.dynamicStart = dynamicStart;
    this.lowestFirst = lowestFirst;
    this.range = range;
    this.label = label;
    this.slot = slot;
  }

  public String name() {
    return name;
  }

  public int size() {
    return size;
  }

  /** The valid range as error messages print it. */
  public String range() {
    return range;
  }

  public String prefix() {
    return ROOT + name + "/";
  }

  public String key(int slot) {
    checkSlot(slot);
    return prefix() + label.apply(slot);
  }

  /** The label of a slot: the address, port or CIDR it stands for. */
  public String label(int slot) {
    checkSlot(slot);
    return label.apply(slot);
  }

  /** The slot a label stands for, or -1 when the label is outside this pool. */
  public int slotOf(String text) {
    int s = slot.applyAsInt(text);
    return s >= 0 && s < size ? s : -1;
  }

  private void checkSlot(int slot) {
    if (slot < 0 || slot >= size) {
      throw new IllegalArgumentException("slot: " + slot + " (expected: 0-" + (size - 1) + " in pool " + name + ")");
    }
  }

  /**
   * A slot that no reservation holds and that is not in {@code exclude} (slots the caller's own
   * transaction already takes), or -1 when the pool is full.
   */
  public int allocate(Store store, Set<Integer> exclude) {
    if (!lowestFirst) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int from = dynamicStart < size ? dynamicStart : 0;
      for (int probe = 0; probe < RANDOM_PROBES && size > 0; probe++) {
        int candidate = from + random.nextInt(size - from);
        if (!exclude.contains(candidate) && store.get(key(candidate)).isEmpty()) {
          return candidate;
        }
      }
    }
    BitSet taken = taken(store);
    exclude.forEach(s -> {
      if (s >= 0 && s < size) {
        taken.set(s);
      }
    });
    if (lowestFirst) {
      int free = taken.nextClearBit(0);
      return free < size ? free : -1;
    }
    int pick = randomClear(taken, dynamicStart, size);
    return pick >= 0 ? pick : randomClear(taken, 0, dynamicStart);
  }

  /** Every reserved slot, from one range read. */
  BitSet taken(Store store) {
    BitSet taken = new BitSet(size);
    String startAfter = null;
    RangeResult page;
    do {
      page = store.range(prefix(), startAfter, 1000);
      for (KeyValue kv : page.kvs()) {
        int s = slotOf(kv.key().substring(prefix().length()));
        if (s >= 0) {
          taken.set(s);
        }
        startAfter = kv.key();
      }
    } while (page.more() && !page.kvs().isEmpty());
    return taken;
  }

  private static int randomClear(BitSet taken, int from, int to) {
    int free = (to - from) - taken.get(from, to).cardinality();
    if (free <= 0) {
      return -1;
    }
    int skip = ThreadLocalRandom.current().nextInt(free);
    int candidate = taken.nextClearBit(from);
    for (int i = 0; i < skip; i++) {
      candidate = taken.nextClearBit(candidate + 1);
    }
    return candidate;
  }

  /**
   * Kubernetes' service IP pool: every address of the CIDR but the network and broadcast
   * addresses; dynamic allocation prefers the upper band ({@code min(max(16, size/16), 256)} low
   * addresses are left for explicit requests, KEP-3070).
   */
  public static Pool serviceIps(Ipv4Cidr cidr) {
    long first = cidr.prefix() >= 31 ? cidr.base() : cidr.base() + 1;
    int size = (int) Math.min(Integer.MAX_VALUE, cidr.prefix() >= 31 ? cidr.size() : cidr.size() - 2);
    return addresses("serviceips", cidr, first, size, bandOffset(cidr.size(), 16, 256, 16), false);
  }

  /** MetalLB-style LoadBalancer addresses: the CIDR without network and broadcast, lowest first. */
  public static Pool loadBalancerIps(Ipv4Cidr cidr) {
    long first = cidr.prefix() >= 31 ? cidr.base() : cidr.base() + 1;
    int size = (int) Math.min(Integer.MAX_VALUE, cidr.prefix() >= 31 ? cidr.size() : cidr.size() - 2);
    return addresses("loadbalancerips", cidr, first, size, 0, true);
  }

  private static Pool addresses(String name, Ipv4Cidr cidr, long first, int size, int offset, boolean lowest) {
    return new Pool(name, size, offset, lowest, cidr.toString(), s -> Ipv4Cidr.format(first + s), text -> {
      long address = Ipv4Cidr.parseAddress(text);
      return address < first || address >= first + size ? -1 : (int) (address - first);
    });
  }

  /**
   * The NodePort range {@code min-max}; dynamic allocation prefers the upper band
   * ({@code min(max(16, size/32), 128)} low ports are left for explicit requests, KEP-3668).
   */
  public static Pool nodePorts(int min, int max) {
    if (min < 1 || max > 65535 || min > max) {
      throw new IllegalArgumentException("node port range: " + min + "-" + max + " (expected: 1 <= min <= max <= 65535)");
    }
    int size = max - min + 1;
    return new Pool("nodeports", size, bandOffset(size, 16, 128, 32), false, min + "-" + max,
        s -> Integer.toString(min + s), text -> {
          try {
            return Integer.parseInt(text) - min;
          } catch (NumberFormatException e) {
            return -1;
          }
        });
  }

  /** The {@code /maskSize} blocks of a cluster pod CIDR, lowest first, as the node IPAM's cidrset. */
  public static Pool podCidrs(Ipv4Cidr cluster, int maskSize) {
    if (maskSize < cluster.prefix() || maskSize > 32) {
      throw new IllegalArgumentException("node CIDR mask size: " + maskSize + " (expected: " + cluster.prefix()
          + "-32 for pod CIDR " + cluster + ")");
    }
    if (maskSize - cluster.prefix() > 24) {
      throw new IllegalArgumentException("node CIDR mask size: " + maskSize + " (expected: at most "
          + (cluster.prefix() + 24) + ": more than 2^24 node blocks in " + cluster + ")");
    }
    int size = 1 << (maskSize - cluster.prefix());
    long blockSize = 1L << (32 - maskSize);
    return new Pool("podcidrs", size, 0, true, cluster.toString(),
        s -> Ipv4Cidr.format(cluster.base() + s * blockSize) + "-" + maskSize, text -> {
          int dash = text.lastIndexOf('-');
          if (dash < 0 || !text.substring(dash + 1).equals(Integer.toString(maskSize))) {
            return -1;
          }
          long address = Ipv4Cidr.parseAddress(text.substring(0, dash));
          if (address < 0 || !cluster.contains(address) || (address - cluster.base()) % blockSize != 0) {
            return -1;
          }
          return (int) ((address - cluster.base()) / blockSize);
        });
  }

  /** Kubernetes' {@code calculateRangeOffset}: {@code min(max(min, size/step), max)}, 0 for tiny ranges. */
  static int bandOffset(long size, int min, int max, int step) {
    if (size <= min) {
      return 0;
    }
    return (int) Math.min(Math.max(min, size / step), max);
  }

  @Override
  public String toString() {
    return "Pool[" + name + " " + range + ", " + size + " slots]";
  }
}
