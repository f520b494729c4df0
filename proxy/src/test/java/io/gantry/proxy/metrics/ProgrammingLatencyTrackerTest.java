package io.gantry.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.EndpointView;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgrammingLatencyTrackerTest {

  private static final long START = Instant.parse("2026-11-23T05:00:00.400Z").toEpochMilli();

  private final AtomicLong now = new AtomicLong(START);
  private final ProxyMetrics metrics = new ProxyMetrics();
  private final ProgrammingLatencyTracker tracker = new ProgrammingLatencyTracker(metrics, clock());

  @Test
  void observesEachNewTriggerTimeOnceWhenItsTableIsLive() {
    now.set(START + 2_000);
    tracker.published(Map.of("demo/web", view(START + 600)), Set.of());

    assertEquals(1, metrics.programmingLatencyCount());
    assertTrue(metrics.render().contains("gantry_proxy_network_programming_duration_seconds_sum 1.4\n"),
        metrics.render());
    assertTrue(metrics.render().contains("gantry_proxy_network_programming_duration_seconds_bucket{le=\"1.0\"} 0\n"));
    assertTrue(metrics.render().contains("gantry_proxy_network_programming_duration_seconds_bucket{le=\"2.0\"} 1\n"));

    now.set(START + 5_000);
    tracker.published(Map.of("demo/web", view(START + 600), "demo/db", view(0)), Set.of());
    assertEquals(1, metrics.programmingLatencyCount(), "an unchanged trigger time and none at all are not measured");

    tracker.published(Map.of("demo/web", view(START + 4_000)), Set.of());
    assertEquals(2, metrics.programmingLatencyCount());
  }

  @Test
  void skipsTriggersFromBeforeTheProxyStartedAndOnesThatGoBack() {
    now.set(START + 1_000);
    tracker.published(Map.of("demo/old", view(START - 60_000), "demo/web", view(START + 900)), Set.of());
    assertEquals(1, metrics.programmingLatencyCount(), "a change made before this proxy started measures the restart");

    tracker.published(Map.of("demo/web", view(START + 800)), Set.of());
    assertEquals(1, metrics.programmingLatencyCount(), "an older slice's time after a newer slice left is old news");
  }

  @Test
  void aTriggerInTheSameSecondAsTheStartCountsSinceKubernetesTimesHaveWholeSeconds() {
    now.set(START + 300);
    tracker.published(Map.of("demo/web", view(START / 1000 * 1000)), Set.of());
    assertEquals(1, metrics.programmingLatencyCount());
  }

  @Test
  void aTriggerAheadOfThisClockCountsAsZero() {
    tracker.published(Map.of("demo/web", view(START + 10_000)), Set.of());
    assertTrue(metrics.render().contains("gantry_proxy_network_programming_duration_seconds_bucket{le=\"0.25\"} 1\n"));
  }

  private static EndpointView view(long triggerMillis) {
    return EndpointView.newBuilder().setNamespace("demo").setServiceName("web")
        .setLastChangeTriggerTimeMillis(triggerMillis).build();
  }

  private Clock clock() {
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(now.get());
      }
    };
  }
}
