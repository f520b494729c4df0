package io.gantry.cni.ipam;

import io.gantry.cni.CniException;
import io.gantry.cni.ipam.AllocationStore.Allocation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Allocation, release, check and garbage collection of addresses, keyed by (network, container ID,
 * interface name). Every operation is one critical section of {@link AllocationStore#locked}.
 */
public final class Ipam {
  private final IpamConfig config;
  private final AllocationStore store;

  public Ipam(IpamConfig config) {
    this.config = config;
    this.store = new AllocationStore(config.networkDir());
  }

  /** An allocated address with its range's prefix length and gateway. */
  public record Lease(Ip ip, int prefix, Ip gateway) {
    /** The spec's {@code ips} entry (without the {@code interface} index, which the caller adds). */
    public Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("address", ip + "/" + prefix);
      if (gateway != null) {
        json.put("gateway", gateway.toString());
      }
      return json;
    }
  }

  public IpamConfig config() {
    return config;
  }

  /**
   * Allocates one address from every range set for the owner. An owner that already holds an
   * address of a set keeps it (a repeated ADD is answered with the same address). A set that
   * contains one of {@code requested} (host-local's static IP requests) hands out exactly that
   * address. When a set is exhausted or a requested address is taken, the addresses this call
   * reserved are released again and the error is thrown.
   */
  private List<Lease> allocateLocked(String containerId, String ifName, List<Ip> requested) throws IOException {
    List<Ip> wanted = requestsPerSet(requested);
    return store.locked(true, List.of(), () -> {
      List<Allocation> existing = store.all();
      List<Lease> leases = new ArrayList<>();
      List<Ip> reservedNow = new ArrayList<>();
      try {
        for (int set = 0; set < config.rangeSets().size(); set++) {
          List<IpRange> ranges = config.rangeSets().get(set);
          Lease lease = held(existing, ranges, containerId, ifName);
          Ip want = wanted.get(set);
          if (want != null && lease != null && !lease.ip().equals(want)) {
            throw new Refused(CniException.INTERNAL, "requested IP address " + want + " for container "
                + containerId + " interface " + ifName + ", which already holds " + lease.ip());
          }
          if (lease == null && want != null) {
            lease = reserveRequested(want, ranges, containerId, ifName);
            reservedNow.add(lease.ip());
          } else if (lease == null) {
            lease = reserveNext(set, ranges, containerId, ifName);
            if (lease == null) {
              throw new Exhausted(describe(ranges));
            }
            reservedNow.add(lease.ip());
          }
          leases.add(lease);
        }
      } catch (Exhausted | Refused e) {
        for (Ip ip : reservedNow) {
          store.release(ip);
        }
        throw e;
      }
      return List.copyOf(leases);
    });
  }

  /** For each range set, the requested address it contains, or null; every request must fall in a set. */
  private List<Ip> requestsPerSet(List<Ip> requested) throws Refused {
    List<Ip> wanted = new ArrayList<>();
    List<Ip> left = new ArrayList<>(requested);
    for (List<IpRange> ranges : config.rangeSets()) {
      Ip match = null;
      for (Ip ip : left) {
        for (IpRange range : ranges) {
          if (match == null && range.contains(ip)) {
            match = ip;
          }
        }
      }
      left.remove(match);
      wanted.add(match);
    }
    if (!left.isEmpty()) {
      Ip extra = left.get(0);
      boolean inARange = false;
      for (List<IpRange> ranges : config.rangeSets()) {
        for (IpRange range : ranges) {
          inARange |= range.contains(extra);
        }
      }
      throw new Refused(CniException.INVALID_NETWORK_CONFIG, "requested IP address " + extra
          + (inARange ? " is a second request for a range set that hands out one address per attachment ("
              : " is in no range of the network (") + describeAll() + ")");
    }
    return wanted;
  }

  private Lease reserveRequested(Ip ip, List<IpRange> ranges, String id, String ifName) throws IOException {
    for (IpRange range : ranges) {
      if (range.contains(ip)) {
        if (ip.equals(range.gateway())) {
          throw new Refused(CniException.INVALID_NETWORK_CONFIG, "requested IP address " + ip
              + " is the gateway of " + range.subnet());
        }
        if (!store.reserve(ip, id, ifName)) {
          throw new Refused(CniException.INTERNAL, "requested IP address " + ip
              + " is not available in range set " + describe(ranges));
        }
        return new Lease(ip, range.subnet().prefix(), range.gateway());
      }
    }
    throw new IllegalStateException("requestsPerSet matched " + ip + " to this set");
  }

  private String describeAll() {
    List<String> parts = new ArrayList<>();
    for (List<IpRange> ranges : config.rangeSets()) {
      parts.add(describe(ranges));
    }
    return String.join("; ", parts);
  }

  private static Lease held(List<Allocation> existing, List<IpRange> ranges, String id, String ifName) {
    for (Allocation allocation : existing) {
      if (allocation.ownedBy(id, ifName)) {
        for (IpRange range : ranges) {
          if (range.contains(allocation.ip())) {
            return new Lease(allocation.ip(), range.subnet().prefix(), range.gateway());
          }
        }
      }
    }
    return null;
  }

  /** Round-robin: the search starts after the address last reserved in this set and wraps once. */
  private Lease reserveNext(int set, List<IpRange> ranges, String id, String ifName) throws IOException {
    Ip last = store.lastReserved(set);
    int startRange = 0;
    Ip startAfter = null;
    if (last != null) {
      for (int i = 0; i < ranges.size(); i++) {
        if (ranges.get(i).contains(last)) {
          startRange = i;
          startAfter = last;
        }
      }
    }
    // Visit ranges startRange..end then 0..startRange, and inside startRange first the part after
    // startAfter, then (at the end of the loop) the part up to and including it.
    for (int step = 0; step <= ranges.size(); step++) {
      IpRange range = ranges.get((startRange + step) % ranges.size());
      Ip from = range.start();
      Ip to = range.end();
      if (startAfter != null && step == 0) {
        from = startAfter.plus(1);
      } else if (startAfter != null && step == ranges.size()) {
        to = startAfter;
      } else if (step == ranges.size()) {
        break;
      }
      for (Ip ip = from; ip.compareTo(to) <= 0; ip = ip.plus(1)) {
        if (ip.equals(range.gateway())) {
          continue;
        }
        if (store.reserve(ip, id, ifName)) {
          store.setLastReserved(set, ip);
          return new Lease(ip, range.subnet().prefix(), range.gateway());
        }
      }
    }
    return null;
  }

  private static String describe(List<IpRange> ranges) {
    List<String> parts = new ArrayList<>();
    for (IpRange range : ranges) {
      parts.add(range.start() + "-" + range.end() + " of " + range.subnet());
    }
    return String.join(", ", parts);
  }

  /**
   * The first range set without a free address, described as in ADD's exhaustion error, or null when
   * every set has one. Read without the lock: STATUS is advice to the runtime, not a reservation.
   */
  public String exhaustedRangeSet() throws IOException {
    Set<Ip> taken = new HashSet<>();
    for (Allocation allocation : store.snapshot()) {
      taken.add(allocation.ip());
    }
    for (List<IpRange> ranges : config.rangeSets()) {
      if (!hasFree(ranges, taken)) {
        return describe(ranges);
      }
    }
    return null;
  }

  /** Visits at most one address more than are taken (plus the gateway) per range. */
  private static boolean hasFree(List<IpRange> ranges, Set<Ip> taken) {
    for (IpRange range : ranges) {
      for (Ip ip = range.start(); ip.compareTo(range.end()) <= 0; ip = ip.plus(1)) {
        if (!ip.equals(range.gateway()) && !taken.contains(ip)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Releases every address of the owner; releasing nothing is success (DEL is idempotent). */
  public int release(String containerId, String ifName) throws IOException {
    return store.locked(false, 0, () -> {
      int released = 0;
      for (Allocation allocation : store.all()) {
        if (allocation.ownedBy(containerId, ifName)) {
          store.release(allocation.ip());
          released++;
        }
      }
      return released;
    });
  }

  /**
   * The owner's addresses as read without the lock, the first half of {@link #release(String, String,
   * List)}: a DEL reads them while its veth is being deleted. The runtime never runs an ADD and a DEL
   * for one owner at once, so nothing of the owner's can appear between the two halves.
   */
  public List<Ip> find(String containerId, String ifName) throws IOException {
    List<Ip> ips = new ArrayList<>();
    for (Allocation allocation : store.snapshot()) {
      if (allocation.ownedBy(containerId, ifName)) {
        ips.add(allocation.ip());
      }
    }
    return ips;
  }

  /** Releases those of {@code found} (see {@link #find}) the owner still holds, under the lock. */
  public int release(String containerId, String ifName, List<Ip> found) throws IOException {
    if (found.isEmpty()) {
      return 0;
    }
    return store.locked(false, 0, () -> {
      int released = 0;
      for (Ip ip : found) {
        Allocation allocation = store.read(ip);
        if (allocation != null && allocation.ownedBy(containerId, ifName)) {
          store.release(ip);
          released++;
        }
      }
      return released;
    });
  }

  /** The owner's addresses, for CHECK. */
  public List<Ip> held(String containerId, String ifName) throws IOException {
    return store.locked(false, List.of(), () -> {
      List<Ip> ips = new ArrayList<>();
      for (Allocation allocation : store.all()) {
        if (allocation.ownedBy(containerId, ifName)) {
          ips.add(allocation.ip());
        }
      }
      return ips;
    });
  }

  /** Releases every allocation whose (container ID, interface) is not in {@code valid}; returns them. */
  public List<Allocation> collectGarbage(Set<Attachment> valid) throws IOException {
    return store.locked(false, List.of(), () -> {
      List<Allocation> released = new ArrayList<>();
      for (Allocation allocation : store.all()) {
        if (!valid.contains(new Attachment(allocation.containerId(), allocation.ifName()))) {
          store.release(allocation.ip());
          released.add(allocation);
        }
      }
      return released;
    });
  }

  /** An entry of {@code cni.dev/valid-attachments}. */
  public record Attachment(String containerId, String ifName) {
    // equals and hashCode by hand, as in Ip: the generated ones bootstrap method handles on first call.
    @Override
    public boolean equals(Object o) {
      return o instanceof Attachment other && containerId.equals(other.containerId) && ifName.equals(other.ifName);
    }

    @Override
    public int hashCode() {
      return containerId.hashCode() * 31 + ifName.hashCode();
    }
  }

  /** Thrown inside the lock when a range set has no free address; carries code 101. */
  static final class Exhausted extends IOException {
    private static final long serialVersionUID = 1L;

    Exhausted(String ranges) {
      super("no free address left in " + ranges);
    }

    CniException toCni() {
      return new CniException(CniException.RANGE_EXHAUSTED, getMessage(),
          "every address of the range set is allocated; release pods or widen ipam.ranges");
    }
  }

  /** Thrown inside the lock when an allocation cannot be made as asked; carries the CNI error code. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    private final int code;

    Refused(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  /**
   * See {@link #allocateLocked}: the exhaustion signal becomes the plugin's error 101, a refused
   * request its own code. {@code requested}: static addresses asked for (CNI_ARGS {@code IP},
   * {@code args.cni.ips}, {@code runtimeConfig.ips}).
   */
  public List<Lease> allocate(String containerId, String ifName, List<Ip> requested)
      throws CniException, IOException {
    try {
      return allocateLocked(containerId, ifName, requested);
    } catch (Exhausted e) {
      throw e.toCni();
    } catch (Refused e) {
      throw new CniException(e.code, e.getMessage());
    }
  }
}
