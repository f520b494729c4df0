package io.gantry.dns;

import io.gantry.dns.zone.ZoneConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link DnsDaemon} needs. Exactly one source: {@code manifests} (static mode) or
 * {@code control} (the DataPlane stream).
 *
 * @param listen     where UDP and TCP DNS listen
 * @param threads    event loops (0: one per core)
 * @param zone       the cluster zone and its TTLs
 * @param manifests  a folder of Kubernetes YAML, or null
 * @param control    the control component's DataPlane address, or null
 * @param nodeName   the node this daemon runs for (names its DataPlane subscription)
 * @param upstreams  resolvers for other names; empty with {@code forward} off
 * @param stubs      suffix (lower case, trailing dot) to its resolvers
 * @param forward    whether other names are forwarded at all (off: REFUSED)
 * @param autopath   server-side search-path expansion for pods
 * @param cacheSize  responses the forwarding cache keeps
 * @param tryTimeout how long one upstream has to answer
 * @param serveStale how long past expiry a cached answer may be served when upstreams fail
 * @param admin      the admin port's address, or null for none
 */
public record DnsDaemonConfig(InetSocketAddress listen, int threads, ZoneConfig zone, Path manifests,
    InetSocketAddress control, String nodeName, List<InetSocketAddress> upstreams,
    Map<String, List<InetSocketAddress>> stubs, boolean forward, boolean autopath, int cacheSize,
    Duration tryTimeout, Duration serveStale, InetSocketAddress admin) {

  public DnsDaemonConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(nodeName, "nodeName");
    upstreams = List.copyOf(upstreams);
    stubs = Map.copyOf(stubs);
    Objects.requireNonNull(tryTimeout, "tryTimeout");
    Objects.requireNonNull(serveStale, "serveStale");
    if ((manifests == null) == (control == null)) {
      throw new IllegalArgumentException("source: " + (manifests == null ? "none" : "both --manifests and --control")
          + " (expected: exactly one of --manifests DIR or --control HOST:PORT)");
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: 0 for one per core, or more)");
    }
  }
}
