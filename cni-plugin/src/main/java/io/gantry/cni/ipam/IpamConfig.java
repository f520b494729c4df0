package io.gantry.cni.ipam;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code ipam} section: range sets (one address is allocated from each set, so a set of IPv4
 * ranges plus a set of IPv6 ranges gives a dual-stack pod), routes and the data directory.
 *
 * <p>Accepted shapes, combined as host-local combines them (in this order of range sets):
 * {@code runtimeConfig.ipRanges} (capability {@code ipRanges}, how a runtime hands over a node's pod
 * CIDR), the older single-range {@code ipam.subnet}/{@code rangeStart}/{@code rangeEnd}/{@code gateway},
 * and {@code ipam.ranges} (a list of range sets, each a list of ranges). {@code resolvConf} names a
 * resolv.conf file whose contents become the result's {@code dns}.
 */
public record IpamConfig(String network, List<List<IpRange>> rangeSets, List<Route> routes, Path dataDir,
    Path resolvConf) {

  /** Where allocations live unless {@code ipam.dataDir} says otherwise (host-local's default). */
  public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/cni/networks");

  /**
   * Parses the section. Throws {@link IllegalArgumentException} with a message that names the field;
   * the caller turns it into error code 7.
   */
  @SuppressWarnings("unchecked")
  public static IpamConfig fromJson(String network, Map<String, Object> ipam, Object runtimeRanges) {
    if (ipam == null) {
      throw new IllegalArgumentException("ipam is missing (expected: an object with ranges)");
    }
    List<List<IpRange>> sets = new ArrayList<>();
    if (runtimeRanges != null) {
      rangeSets(runtimeRanges, "runtimeConfig.ipRanges", sets);
    }
    if (ipam.get("subnet") != null) {
      sets.add(List.of(IpRange.fromJson(ipam, "ipam")));
    }
    if (ipam.get("ranges") != null) {
      rangeSets(ipam.get("ranges"), "ipam.ranges", sets);
    }
    if (sets.isEmpty()) {
      throw new IllegalArgumentException("ipam.ranges is missing (expected: [[{\"subnet\": \"10.22.0.0/24\"}]])");
    }
    checkOverlaps(sets);
    List<Route> routes = new ArrayList<>();
    Object rawRoutes = ipam.get("routes");
    if (rawRoutes != null) {
      if (!(rawRoutes instanceof List<?> list)) {
        throw new IllegalArgumentException("ipam.routes: " + rawRoutes + " (expected: a list of {dst, gw})");
      }
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Map<?, ?> route) || !(route.get("dst") instanceof String dst)) {
          throw new IllegalArgumentException("ipam.routes[" + i + "]: " + list.get(i) + " (expected: {\"dst\": CIDR})");
        }
        try {
          Ip gw = route.get("gw") instanceof String g && !g.isEmpty() ? Ip.parse(g) : null;
          routes.add(new Route(Subnet.parse(dst), gw));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("ipam.routes[" + i + "]: " + e.getMessage(), e);
        }
      }
    }
    return new IpamConfig(network, List.copyOf(sets), List.copyOf(routes), path(ipam, "dataDir", DEFAULT_DATA_DIR),
        path(ipam, "resolvConf", null));
  }

  private static Path path(Map<String, Object> ipam, String key, Path fallback) {
    Object raw = ipam.get(key);
    if (raw == null || "".equals(raw)) {
      return fallback;
    }
    if (!(raw instanceof String dir) || !dir.startsWith("/")) {
      throw new IllegalArgumentException("ipam." + key + ": " + raw + " (expected: an absolute path)");
    }
    return Path.of(dir);
  }

  @SuppressWarnings("unchecked")
  private static void rangeSets(Object ranges, String rangesName, List<List<IpRange>> sets) {
    if (!(ranges instanceof List<?> list) || list.isEmpty()) {
      throw new IllegalArgumentException(rangesName + ": " + ranges + " (expected: a non-empty list of range sets)");
    }
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof List<?> set) || set.isEmpty()) {
        throw new IllegalArgumentException(rangesName + "[" + i + "]: " + list.get(i)
            + " (expected: a non-empty list of ranges)");
      }
      List<IpRange> parsed = new ArrayList<>();
      for (int j = 0; j < set.size(); j++) {
        String where = rangesName + "[" + i + "][" + j + "]";
        if (!(set.get(j) instanceof Map<?, ?> range)) {
          throw new IllegalArgumentException(where + ": " + set.get(j) + " (expected: an object with subnet)");
        }
        parsed.add(IpRange.fromJson((Map<String, Object>) range, where));
      }
      sets.add(List.copyOf(parsed));
    }
  }

  private static void checkOverlaps(List<List<IpRange>> sets) {
    List<IpRange> all = new ArrayList<>();
    for (List<IpRange> set : sets) {
      int bits = set.get(0).start().bits();
      for (IpRange range : set) {
        if (range.start().bits() != bits) {
          throw new IllegalArgumentException("ipam.ranges: a range set mixes IPv4 and IPv6 (" + range.subnet() + ")");
        }
        for (IpRange other : all) {
          if (range.overlaps(other)) {
            throw new IllegalArgumentException("ipam.ranges: " + range.start() + "-" + range.end()
                + " overlaps " + other.start() + "-" + other.end());
          }
        }
        all.add(range);
      }
    }
  }

  /** The directory of this network's allocations. */
  public Path networkDir() {
    return dataDir.resolve(network);
  }
}
