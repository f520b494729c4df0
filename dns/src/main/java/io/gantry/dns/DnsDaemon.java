package io.gantry.dns;

import com.github.benmanes.caffeine.cache.Ticker;
import io.gantry.common.admin.AdminServer;
import io.gantry.dns.forward.Forwarder;
import io.gantry.dns.forward.UpstreamForwarder;
import io.gantry.dns.metrics.DnsMetrics;
import io.gantry.dns.server.Autopath;
import io.gantry.dns.server.DnsQueryHandler;
import io.gantry.dns.server.DnsServer;
import io.gantry.dns.source.ControlSource;
import io.gantry.dns.source.ManifestSource;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.gantry.dns.zone.ZoneHolder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS daemon: a zone source (static folder or DataPlane stream), the server, the forwarder
 * and the admin port, started together and closed in reverse order. {@code gantry dns} runs one;
 * {@code gantry up} runs one in-process.
 */
public final class DnsDaemon implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DnsDaemon.class);

  private final List<AutoCloseable> parts;
  private final DnsServer server;
  private final ZoneHolder zone;
  private final DnsMetrics metrics;
  private final AdminServer admin;

  private DnsDaemon(List<AutoCloseable> parts, DnsServer server, ZoneHolder zone, DnsMetrics metrics,
      AdminServer admin) {
    this.parts = parts;
    this.server = server;
    this.zone = zone;
    this.metrics = metrics;
    this.admin = admin;
  }

  public static DnsDaemon start(DnsDaemonConfig config) throws IOException, InterruptedException {
    List<AutoCloseable> parts = new ArrayList<>();
    try {
      ZoneHolder zone = new ZoneHolder(DnsZoneSnapshot.empty(config.zone()));
      DnsMetrics metrics = new DnsMetrics("dns://:" + config.listen().getPort());
      if (config.manifests() != null) {
        parts.add(ManifestSource.start(config.manifests(), config.zone(), zone, 200));
      } else {
        parts.add(ControlSource.start(config.control(), config.nodeName(), config.zone(), zone));
      }
      Forwarder forwarder = null;
      if (config.forward() && (!config.upstreams().isEmpty() || !config.stubs().isEmpty())) {
        forwarder = new UpstreamForwarder(config.upstreams(), config.stubs(), config.cacheSize(),
            config.tryTimeout(), config.serveStale(), metrics, Ticker.systemTicker());
        parts.add(forwarder);
      }
      DnsQueryHandler handler = new DnsQueryHandler(zone, forwarder, config.autopath() ? new Autopath() : null,
          metrics);
      DnsServer server = DnsServer.start(config.listen(), config.threads(), handler);
      parts.add(server);
      AdminServer admin = null;
      if (config.admin() != null) {
        admin = AdminServer.start(config.admin(), metrics::render, () -> true,
            () -> "{\"zone\":\"" + config.zone().zone() + "\",\"version\":" + zone.get().version()
                + ",\"names\":" + zone.get().size() + "}");
        parts.add(admin);
      }
      log.info("DNS for {} on {} (source: {}, upstreams: {}, stub domains: {}, autopath: {})", config.zone().zone(),
          server.address(), config.manifests() != null ? config.manifests() : config.control(),
          forwarder == null ? "none (other names are refused)" : config.upstreams(), config.stubs().keySet(),
          config.autopath() ? "on" : "off");
      return new DnsDaemon(parts, server, zone, metrics, admin);
    } catch (IOException | InterruptedException | RuntimeException e) {
      closeAll(parts);
      throw e;
    }
  }

  public InetSocketAddress address() {
    return server.address();
  }

  public ZoneHolder zone() {
    return zone;
  }

  public DnsMetrics metrics() {
    return metrics;
  }

  /** The admin port's address, or null. */
  public InetSocketAddress adminAddress() {
    return admin == null ? null : admin.localAddress();
  }

  @Override
  public void close() {
    closeAll(parts);
  }

  private static void closeAll(List<AutoCloseable> parts) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        log.debug("closing {}: {}", parts.get(i), e.toString());
      }
    }
  }
}
