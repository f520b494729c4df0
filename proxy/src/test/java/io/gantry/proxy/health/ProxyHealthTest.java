package io.gantry.proxy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** kube-proxy's health rule and answers, on an injected clock. */
class ProxyHealthTest {

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-11-23T12:00:00.120Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final TestClock clock = new TestClock();
  private final ProxyHealth health = new ProxyHealth(clock, Duration.ofSeconds(60));

  @Test
  void healthyWhileStartingAndUntilAChangeWaitsTheTimeout() {
    assertTrue(health.healthy(), "healthy while starting");
    assertEquals(new ProxyHealth.Answer(200, "{\"lastUpdated\": \"2026-11-23 12:00:00.12 +0000 UTC\","
        + "\"currentTime\": \"2026-11-23 12:00:00.12 +0000 UTC\", \"nodeEligible\": true}"), health.healthz());

    health.queued();
    health.updated();
    health.queued(); // this one is stuck
    clock.now = clock.now.plusSeconds(59);
    assertTrue(health.healthy(), "late but not yet past the timeout");
    clock.now = clock.now.plusSeconds(1);
    assertFalse(health.healthy());
    assertEquals(new ProxyHealth.Answer(503, "{\"lastUpdated\": \"2026-11-23 12:00:00.12 +0000 UTC\","
        + "\"currentTime\": \"2026-11-23 12:01:00.12 +0000 UTC\", \"nodeEligible\": true}"), health.healthz(),
        "unhealthy: lastUpdated is when the last change went live");
    assertEquals(new ProxyHealth.Answer(503, "{\"lastUpdated\": \"2026-11-23 12:00:00.12 +0000 UTC\","
        + "\"currentTime\": \"2026-11-23 12:01:00.12 +0000 UTC\"}"), health.livez());

    health.updated();
    assertTrue(health.healthy());
    assertEquals(200, health.livez().status());
  }

  @Test
  void aNodeThatIsNotEligibleFailsHealthzButNotLivez() {
    health.queued();
    health.updated();
    clock.now = clock.now.plusSeconds(5);
    health.nodeEligible(false);
    assertEquals(new ProxyHealth.Answer(503, "{\"lastUpdated\": \"2026-11-23 12:00:00.12 +0000 UTC\","
        + "\"currentTime\": \"2026-11-23 12:00:05.12 +0000 UTC\", \"nodeEligible\": false}"), health.healthz());
    assertEquals(200, health.livez().status());
    assertTrue(health.healthy(), "the proxy itself is in sync (health-check node ports go on answering)");
    health.nodeEligible(true);
    assertEquals(200, health.healthz().status());
  }

  @Test
  void changesAreLiveInTheOrderTheyCame() {
    health.queued();
    clock.now = clock.now.plusSeconds(30);
    health.queued();
    health.updated(); // the first is live; the second waits since 30 s ago
    clock.now = clock.now.plusSeconds(59);
    assertTrue(health.healthy());
    clock.now = clock.now.plusSeconds(1);
    assertFalse(health.healthy());
  }

  @Test
  void timesPrintAsGoPrintsThem() {
    assertEquals("0001-01-01 00:00:00 +0000 UTC", ProxyHealth.goTime(null));
    assertEquals("2026-11-23 12:00:00 +0000 UTC", ProxyHealth.goTime(Instant.parse("2026-11-23T12:00:00Z")));
    assertEquals("2026-11-23 12:00:00.000000001 +0000 UTC",
        ProxyHealth.goTime(Instant.parse("2026-11-23T12:00:00.000000001Z")));
  }
}
