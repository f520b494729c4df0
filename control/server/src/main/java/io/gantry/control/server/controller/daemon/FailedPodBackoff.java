package io.gantry.control.server.controller.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The back-off between deletions of failed daemon pods on one node (upstream's
 * {@code failedPodsBackoff}, {@code flowcontrol.NewBackOff(1s, 15m)}): a DaemonSet fighting a node
 * that keeps failing its pods slows down instead of hot-looping. An entry idle for twice the maximum
 * starts again from the initial delay.
 *
 * <p>Concurrency: thread-safe; keys are {@code <ds key>/<node>}, and one worker at a time handles a DaemonSet.
 */
final class FailedPodBackoff {

  static final Duration INITIAL = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofMinutes(15);

  private record Entry(Duration delay, Instant lastUpdate) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /** IsInBackOffSinceUpdate: less than the current delay has passed since the last deletion. */
  boolean inBackoff(String key, Instant now) {
    Entry e = entries.get(key);
    return e != null && Duration.between(e.lastUpdate(), now).compareTo(e.delay()) < 0;
  }

  /** The current delay of the key (the initial one when it has none). */
  Duration delay(String key) {
    Entry e = entries.get(key);
    return e == null ? INITIAL : e.delay();
  }

  /** Next: records a deletion now, doubling the delay up to the maximum. */
  void next(String key, Instant now) {
    entries.compute(key, (k, e) -> {
      if (e == null || Duration.between(e.lastUpdate(), now).compareTo(MAX.multipliedBy(2)) > 0) {
        return new Entry(INITIAL, now);
      }
      Duration doubled = e.delay().multipliedBy(2);
      return new Entry(doubled.compareTo(MAX) > 0 ? MAX : doubled, now);
    });
  }

  /** Drops the entries of a DaemonSet that is gone. */
  void forget(String dsKey) {
    entries.keySet().removeIf(k -> k.startsWith(dsKey + "/"));
  }
}
