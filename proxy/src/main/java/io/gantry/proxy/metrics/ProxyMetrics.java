package io.gantry.proxy.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's metrics: per-service counters, daemon-wide counters and the programming-latency
 * histograms, rendered in the Prometheus text format. Services keep their counters after removal
 * (counters never go back), which bounds memory by the number of services ever seen.
 */
public final class ProxyMetrics {

  private final ConcurrentHashMap<String, ServiceMetrics> services = new ConcurrentHashMap<>();
  private final LongAdder rejectedOverLimit = new LongAdder();
  private final LongAdder snapshots = new LongAdder();
  private final AtomicLong listeners = new AtomicLong();
  private final Histogram syncLatency = new Histogram("gantry_proxy_sync_duration_seconds",
      "Time from a DataPlane push arriving to the moment it was live here.",
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
  private final Histogram programmingLatency = new Histogram("gantry_proxy_network_programming_duration_seconds",
      "Time from the control write that changed a service's endpoints to the moment the change was live here "
          + "(kube-proxy's network_programming_duration_seconds).", programmingBuckets());

  /** kube-proxy's rule-sync histogram: how long making one change live took here (build and listeners). */
  private final Histogram syncRules = new Histogram("kubeproxy_sync_proxy_rules_duration_seconds",
      "SyncProxyRules latency in seconds: building and publishing one routing table and opening its listeners.",
      exponential(0.001, 2, 15));
  private volatile double lastSyncSeconds;
  private final LongAdder healthz200 = new LongAdder();
  private final LongAdder healthz503 = new LongAdder();
  private final LongAdder livez200 = new LongAdder();
  private final LongAdder livez503 = new LongAdder();

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
   * listeners open): the node's share of {@link #programmingLatency}.
   */
  public void syncLatency(double seconds) {
    syncLatency.observe(seconds);
  }

  /** Records one change's end-to-end programming latency (see {@link ProgrammingLatencyTracker}). */
  public void programmingLatency(double seconds) {
    programmingLatency.observe(seconds);
  }

  public long programmingLatencyCount() {
    return programmingLatency.count();
  }

  /** One routing table made live in {@code seconds}, at {@code epochSeconds} (kube-proxy's sync metrics). */
  public void synced(double seconds, double epochSeconds) {
    syncRules.observe(seconds);
    lastSyncSeconds = epochSeconds;
  }

  /** A {@code /healthz} ({@code livez} false) or {@code /livez} answer with {@code status} (kube-proxy's counters). */
  public void healthAnswered(boolean livez, int status) {
    (livez ? (status == 200 ? livez200 : livez503) : (status == 200 ? healthz200 : healthz503)).increment();
  }

  private static double[] exponential(double start, double factor, int count) {
    double[] bounds = new double[count];
    for (int i = 0; i < count; i++) {
      bounds[i] = start * Math.pow(factor, i);
    }
    return bounds;
  }

  /** kube-proxy's buckets: 0.25 s, 0.5 s, 1-59 s by 1 s, 60-115 s by 5 s, 120-300 s by 30 s. */
  private static double[] programmingBuckets() {
    java.util.List<Double> bounds = new java.util.ArrayList<>(java.util.List.of(0.25, 0.5));
    for (int s = 1; s < 60; s++) {
      bounds.add((double) s);
    }
    for (int s = 60; s < 120; s += 5) {
      bounds.add((double) s);
    }
    for (int s = 120; s <= 300; s += 30) {
      bounds.add((double) s);
    }
    return bounds.stream().mapToDouble(Double::doubleValue).toArray();
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
    syncLatency.render(out);
    programmingLatency.render(out);
    // kube-proxy's names, for dashboards and alerts written against it.
    programmingLatency.render(out, "kubeproxy_network_programming_duration_seconds",
        "In Cluster Network Programming Latency in seconds (the observations of "
            + "gantry_proxy_network_programming_duration_seconds).");
    syncRules.render(out);
    out.append("# HELP kubeproxy_sync_proxy_rules_last_timestamp_seconds The last time a routing table was made "
            + "live.\n")
        .append("# TYPE kubeproxy_sync_proxy_rules_last_timestamp_seconds gauge\n")
        .append("kubeproxy_sync_proxy_rules_last_timestamp_seconds ").append(lastSyncSeconds).append('\n');
    out.append("# HELP kubeproxy_proxy_healthz_total Cumulative proxy healthz HTTP status\n")
        .append("# TYPE kubeproxy_proxy_healthz_total counter\n")
        .append("kubeproxy_proxy_healthz_total{code=\"200\"} ").append(healthz200.sum()).append('\n')
        .append("kubeproxy_proxy_healthz_total{code=\"503\"} ").append(healthz503.sum()).append('\n');
    out.append("# HELP kubeproxy_proxy_livez_total Cumulative proxy livez HTTP status\n")
        .append("# TYPE kubeproxy_proxy_livez_total counter\n")
        .append("kubeproxy_proxy_livez_total{code=\"200\"} ").append(livez200.sum()).append('\n')
        .append("kubeproxy_proxy_livez_total{code=\"503\"} ").append(livez503.sum()).append('\n');
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
