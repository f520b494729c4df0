package io.gantry.dns.zone;

import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.PodView;
import io.gantry.control.api.v1.ServiceView;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the server answers from the cluster zone, precomputed: a hash map from lower-cased
 * names (with the trailing dot) to their answers in wire format, so that a query costs one
 * lookup and a copy. Built by {@link ZoneBuilder} from the views; immutable, published with one
 * volatile write and read without locks.
 */
public final class DnsZoneSnapshot {

  private final ZoneConfig config;
  private final long version;
  private final Map<String, NameEntry> names;
  private final Map<String, String> podNamespaces;
  private final Answer nxDomain;
  private final PodRecords pods;
  private final String zoneSuffix;
  private final String zoneFqdn;

  DnsZoneSnapshot(ZoneConfig config, long version, Map<String, NameEntry> names, Map<String, String> podNamespaces,
      Answer noData, Answer nxDomain) {
    this.config = config;
    this.version = version;
    this.names = names;
    this.podNamespaces = podNamespaces;
    this.nxDomain = nxDomain;
    this.zoneFqdn = config.fqdn();
    this.zoneSuffix = "." + zoneFqdn;
    this.pods = new PodRecords(zoneFqdn, config.ttl(), noData, nxDomain);
  }

  /** Builds a snapshot of {@code services} (with their {@code endpoints}) and {@code pods}. */
  public static DnsZoneSnapshot build(ZoneConfig config, long version, Collection<ServiceView> services,
      Collection<EndpointView> endpoints, Collection<PodView> pods) {
    return new ZoneBuilder(Objects.requireNonNull(config, "config"), version).build(services, endpoints, pods);
  }

  /** An empty zone: only the SOA and the dns-version record. */
  public static DnsZoneSnapshot empty(ZoneConfig config) {
    return build(config, 0, java.util.List.of(), java.util.List.of(), java.util.List.of());
  }

  /**
   * The answer for a name, or {@code null} when the name is not ours to answer (outside the
   * cluster zone and not a reverse name this snapshot knows): forward it.
   *
   * @param name  the question name as decoded, with the trailing dot, in any case
   * @param qtype the query type
   */
  public Answer lookup(String name, int qtype) {
    String lower = name.toLowerCase(Locale.ROOT);
    NameEntry entry = names.get(lower);
    if (entry != null) {
      return entry.answer(qtype);
    }
    if (!inZone(lower)) {
      return null;
    }
    Answer pod = pods.answer(lower, qtype);
    return pod != null ? pod : nxDomain;
  }

  /** Whether a lower-cased name lies in the cluster zone (where this server is the authority). */
  public boolean inZone(String lower) {
    return lower.equals(zoneFqdn) || Wire.endsWithLabels(lower, zoneSuffix);
  }

  /** The namespace of the pod with this IP, or {@code null}; for server-side search-path expansion. */
  public String podNamespace(String ip) {
    return podNamespaces.get(ip);
  }

  public ZoneConfig config() {
    return config;
  }

  public long version() {
    return version;
  }

  /** How many names (including empty non-terminals) the zone holds. */
  public int size() {
    return names.size();
  }
}
