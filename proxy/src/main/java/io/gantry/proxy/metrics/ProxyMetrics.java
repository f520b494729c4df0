package io.gantry.proxy.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's metrics: per-service counters, daemon-wide counters and the programming-latency
 * histogram, rendered in the Prometheus text format. Services keep their counters after removal
 * (counters never go back), which bounds memory by the number of services ever seen.
 */
public final class ProxyMetrics {

  /** Upper bounds (seconds) of the programming-latency buckets. */
  private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final ConcurrentHashMap<String, ServiceMetrics> services = new ConcurrentHashMap<>();
  private final LongAdder rejectedOverLimit = new LongAdder();
  private final LongAdder snapshots = new LongAdder();
  private final AtomicLong listeners = new AtomicLong();
  private final long[] bucketCounts = new long[BUCKETS.length + 1];
  private double latencySum;
  private long latencyCount;

  public ServiceMetrics service(String key) {
    return services.computeIfAbsent(key, k -> new ServiceMetrics());
  }

  public void rejectedOverLimit() {
    rejectedOverLimit.increment();
  }

  public long rejectedOverLimitCount() {
    return rejectedOverLimit.sum();
  }

  public void snapshotApplied(int listenerCount) {
    snapshots.increment();
    listeners.set(listenerCount);
  }

  /**
   * Records the time from a DataPlane push reaching this proxy to the moment it was live (new
   * listeners open). The views carry no write timestamps yet, so the control-side share of
   * kube-proxy's {@code network_programming_duration_seconds} is not included.
   */
  public synchronized void syncLatency(double seconds) {
    int i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) {
      i++;
    }
    bucketCounts[i]++;
    latencySum += seconds;
    latencyCount++;
  }

  public String render() {
    StringBuilder out = new StringBuilder(4096);
    Map<String, ServiceMetrics> sorted = new TreeMap<>(services);
    family(out, "gantry_proxy_active_connections", "gauge", "Open TCP connections per service.", sorted,
        m -> m.active.sum());
    family(out, "gantry_proxy_connections_total", "counter", "Accepted TCP connections per service.", sorted,
        m -> m.connections.sum());
    family(out, "gantry_proxy_received_bytes_total", "counter", "Bytes from clients to endpoints per service.",
        sorted, m -> m.bytesIn.sum());
    family(out, "gantry_proxy_sent_bytes_total", "counter", "Bytes from endpoints to clients per service.", sorted,
        m -> m.bytesOut.sum());
    family(out, "gantry_proxy_connect_errors_total", "counter", "Failed connects to endpoints per service.", sorted,
        m -> m.connectErrors.sum());
    family(out, "gantry_proxy_no_endpoint_rejects_total", "counter",
        "Connections and datagrams refused or dropped for want of an endpoint, per service.", sorted,
        m -> m.noEndpoint.sum());
    family(out, "gantry_proxy_udp_flows_total", "counter", "UDP flows opened per service.", sorted,
        m -> m.udpFlows.sum());
    family(out, "gantry_proxy_udp_datagrams_total", "counter", "UDP datagrams from clients per service.", sorted,
        m -> m.datagrams.sum());
    out.append("# HELP gantry_proxy_connection_limit_rejects_total Connections closed at once over the limit.\n")
        .append("# TYPE gantry_proxy_connection_limit_rejects_total counter\n")
        .append("gantry_proxy_connection_limit_rejects_total ").append(rejectedOverLimit.sum()).append('\n');
    out.append("# HELP gantry_proxy_snapshots_applied_total Routing snapshots made live.\n")
        .append("# TYPE gantry_proxy_snapshots_applied_total counter\n")
        .append("gantry_proxy_snapshots_applied_total ").append(snapshots.sum()).append('\n');
    out.append("# HELP gantry_proxy_listeners Open listening sockets.\n")
        .append("# TYPE gantry_proxy_listeners gauge\n")
        .append("gantry_proxy_listeners ").append(listeners.get()).append('\n');
    synchronized (this) {
      String name = "gantry_proxy_sync_duration_seconds";
      out.append("# HELP ").append(name)
          .append(" Time from a DataPlane push arriving to the moment it was live here.\n")
          .append("# TYPE ").append(name).append(" histogram\n");
      long cumulative = 0;
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += bucketCounts[i];
        out.append(name).append("_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
      }
      cumulative += bucketCounts[BUCKETS.length];
      out.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
      out.append(name).append("_sum ").append(latencySum).append('\n');
      out.append(name).append("_count ").append(latencyCount).append('\n');
    }
    return out.toString();
  }

  private interface Value {
    long of(ServiceMetrics m);
  }

  private static void family(StringBuilder out, String name, String type, String help,
      Map<String, ServiceMetrics> services, Value value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    for (Map.Entry<String, ServiceMetrics> e : services.entrySet()) {
      int slash = e.getKey().indexOf('/');
      out.append(name).append("{namespace=\"").append(e.getKey(), 0, slash).append("\",service=\"")
          .append(e.getKey().substring(slash + 1)).append("\"} ").append(value.of(e.getValue())).append('\n');
    }
  }
}
