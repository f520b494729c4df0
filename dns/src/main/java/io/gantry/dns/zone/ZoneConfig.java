package io.gantry.dns.zone;

import java.util.Locale;
import java.util.Objects;

/**
 * What the cluster zone looks like.
 *
 * @param zone        the cluster domain, e.g. {@code cluster.local} (no trailing dot)
 * @param ttl         the TTL of every positive record, seconds (CoreDNS's kubernetes plugin: 5)
 * @param negativeTtl the SOA minimum, how long resolvers cache NXDOMAIN and NODATA (RFC 2308), seconds
 */
public record ZoneConfig(String zone, int ttl, int negativeTtl) {

  /** The schema version of the Kubernetes DNS specification this server implements. */
  public static final String SCHEMA_VERSION = "1.1.0";
  /** CoreDNS's kubernetes plugin answers with TTL 5 unless told otherwise; so do we. */
  public static final int DEFAULT_TTL = 5;

  public ZoneConfig {
    Objects.requireNonNull(zone, "zone");
    zone = zone.toLowerCase(Locale.ROOT);
    while (zone.endsWith(".")) {
      zone = zone.substring(0, zone.length() - 1);
    }
    if (zone.isEmpty()) {
      throw new IllegalArgumentException("zone: \"\" (expected: a domain such as cluster.local)");
    }
    Wire.name(zone); // validates labels and length
    if (ttl < 0 || ttl > 3600) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: 0 to 3600 seconds)");
    }
    if (negativeTtl < 0 || negativeTtl > 3600) {
      throw new IllegalArgumentException("negativeTtl: " + negativeTtl + " (expected: 0 to 3600 seconds)");
    }
  }

  public static ZoneConfig defaults() {
    return new ZoneConfig("cluster.local", DEFAULT_TTL, DEFAULT_TTL);
  }

  /** The zone with its trailing dot, the form names take in queries. */
  public String fqdn() {
    return zone + ".";
  }
}
