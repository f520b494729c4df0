package io.gantry.proxy.metrics;

import io.gantry.control.api.v1.EndpointView;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * kube-proxy's {@code network_programming_duration_seconds}: when a routing table is live, each
 * endpoint set whose trigger time (the control write that caused it, carried from the
 * EndpointSlice annotation {@code endpoints.kubernetes.io/last-change-trigger-time}) is newer than
 * the last one seen here is observed as {@code now - trigger}.
 *
 * <p>Trigger times older than this tracker are skipped, as kube-proxy skips those before its
 * start: after a restart they measure the restart, not programming. Kubernetes timestamps have
 * whole seconds, so the start is compared at that precision and an observation may be up to a
 * second longer than the true latency.
 *
 * <p>Concurrency: {@link #published} is synchronized; the proxy calls it once per table.
 */
public final class ProgrammingLatencyTracker {

  private final ProxyMetrics metrics;
  private final Clock clock;
  private final long startedMillis;
  private final Map<String, Long> seen = new HashMap<>();

  public ProgrammingLatencyTracker(ProxyMetrics metrics, Clock clock) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.startedMillis = clock.millis() / 1000 * 1000;
  }

  /**
   * Records the endpoint sets a routing table that has just become live changed ({@code changed})
   * and removed ({@code removed}); work is proportional to the change.
   */
  public synchronized void published(Map<String, EndpointView> changed, Set<String> removed) {
    long now = clock.millis();
    seen.keySet().removeAll(removed);
    for (Map.Entry<String, EndpointView> e : changed.entrySet()) {
      long trigger = e.getValue().getLastChangeTriggerTimeMillis();
      if (trigger <= 0) {
        continue;
      }
      Long last = seen.get(e.getKey());
      if (last != null && trigger <= last) {
        continue; // already measured, or an older slice's time after a newer one went away
      }
      seen.put(e.getKey(), trigger);
      if (trigger >= startedMillis) {
        metrics.programmingLatency(Math.max(0, now - trigger) / 1000.0); // clocks of two hosts may disagree
      }
    }
  }
}
