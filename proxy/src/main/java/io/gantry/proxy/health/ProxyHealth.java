package io.gantry.proxy.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The proxy's own health, as kube-proxy's ProxyHealthServer judges it: healthy unless a change
 * has waited longer than the health timeout to be made live. Serves kube-proxy's {@code /healthz}
 * and {@code /livez} answers (status and JSON body) and the {@code serviceProxyHealthy} field of
 * every health-check node port.
 *
 * <p>Concurrency: {@link #queued} from any thread, {@link #updated} from the proxy's update
 * context, which applies changes in the order they were queued (so the queue's head is the
 * oldest change not yet live); reads from any thread.
 */
public final class ProxyHealth {

  /** kube-proxy's default: twice its 30 s sync period. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneOffset.UTC);

  private final Clock clock;
  private final Duration timeout;
  private final ConcurrentLinkedQueue<Instant> pending = new ConcurrentLinkedQueue<>();
  private volatile Instant lastUpdated; // null: never
  private volatile boolean nodeEligible = true;

  public ProxyHealth(Clock clock, Duration timeout) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** A change arrived and waits to be made live. */
  public void queued() {
    pending.add(clock.instant());
  }

  /** The oldest queued change is live (or failed: it no longer waits). */
  public void updated() {
    pending.poll();
    lastUpdated = clock.instant();
  }

  /**
   * Whether load balancers should send this node traffic: false while its Node is being deleted or
   * is tainted for removal by the cluster autoscaler (kube-proxy's {@code SyncNode}).
   */
  public void nodeEligible(boolean eligible) {
    nodeEligible = eligible;
  }

  /** Healthy unless the oldest change not yet live has waited the timeout (so healthy while starting). */
  public boolean healthy() {
    Instant oldest = pending.peek();
    return oldest == null || Duration.between(oldest, clock.instant()).compareTo(timeout) < 0;
  }

  /** An answer of the health server: status code and body. */
  public record Answer(int status, String body) {
  }

  /**
   * kube-proxy's {@code /healthz}: 200, or 503 when unhealthy or the node is not eligible, and
   * {@code {"lastUpdated": "..","currentTime": "..", "nodeEligible": true|false}}; while 200,
   * {@code lastUpdated} is the current time, as kube-proxy keeps it for older clients.
   */
  public Answer healthz() {
    Instant now = clock.instant();
    boolean eligible = nodeEligible;
    boolean healthy = healthy() && eligible;
    return new Answer(healthy ? 200 : 503, "{\"lastUpdated\": \"" + goTime(healthy ? now : lastUpdated)
        + "\",\"currentTime\": \"" + goTime(now) + "\", \"nodeEligible\": " + eligible + "}");
  }

  /** kube-proxy's {@code /livez}: as {@link #healthz} without {@code nodeEligible}. */
  public Answer livez() {
    Instant now = clock.instant();
    boolean healthy = healthy();
    return new Answer(healthy ? 200 : 503, "{\"lastUpdated\": \"" + goTime(healthy ? now : lastUpdated)
        + "\",\"currentTime\": \"" + goTime(now) + "\"}");
  }

  /**
   * A time as Go prints a {@code time.Time} ({@code 2006-01-02 15:04:05.999999999 -0700 MST}: the
   * fraction without trailing zeros, none when zero), in UTC; null is Go's zero time.
   */
  static String goTime(Instant time) {
    if (time == null) {
      return "0001-01-01 00:00:00 +0000 UTC";
    }
    StringBuilder out = new StringBuilder(GO_TIME.format(time));
    int nanos = time.getNano();
    if (nanos != 0) {
      String fraction = String.format("%09d", nanos).replaceAll("0+$", "");
      out.append('.').append(fraction);
    }
    return out.append(" +0000 UTC").toString();
  }
}
