package io.gantry.control.server.controller.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Upstream's {@code backoffRecord}: how many pods failed since the last one succeeded, and when the
 * last failed. Replacement pods wait {@code 10s * 2^(failures-1)}, at most six minutes, after the
 * last failure.
 *
 * @param failuresAfterLastSuccess failures since the latest success
 * @param lastFailure              when the latest failure finished, or null
 */
record BackoffRecord(int failuresAfterLastSuccess, Instant lastFailure) {

  static final BackoffRecord NONE = new BackoffRecord(0, null);
  private static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(10);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(6);

  /** This record after pods newly finished (their finish times). */
  BackoffRecord after(List<Instant> succeeded, List<Instant> failed) {
    Instant lastSuccess = succeeded.stream().max(Instant::compareTo).orElse(null);
    Instant latestFailure = failed.stream().max(Instant::compareTo).orElse(lastFailure);
    if (lastSuccess == null) {
      return failed.isEmpty() ? this : new BackoffRecord(failuresAfterLastSuccess + failed.size(), latestFailure);
    }
    int after = (int) failed.stream().filter(at -> at.isAfter(lastSuccess)).count();
    return after == 0 ? NONE : new BackoffRecord(after, latestFailure);
  }

  /** getRemainingTime: how long replacements still wait at {@code now}; zero when they may start. */
  Duration remaining(Instant now) {
    if (failuresAfterLastSuccess == 0 || lastFailure == null) {
      return Duration.ZERO;
    }
    Duration backoff = DEFAULT_BACKOFF;
    for (int i = 1; i < failuresAfterLastSuccess; i++) {
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(MAX_BACKOFF) >= 0) {
        backoff = MAX_BACKOFF;
        break;
      }
    }
    Duration elapsed = Duration.between(lastFailure, now);
    return backoff.compareTo(elapsed) < 0 ? Duration.ZERO : backoff.minus(elapsed);
  }
}
