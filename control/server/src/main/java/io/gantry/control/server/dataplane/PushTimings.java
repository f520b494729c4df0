package io.gantry.control.server.dataplane;

import java.time.Duration;
import java.util.Objects;

/**
 * When a subscriber's changes are pushed, as Kubernetes' BoundedFrequencyRunner does it: after
 * {@code quiet} without new changes, but never later than {@code maxDelay} after the first one;
 * and only once the previous push is ACKed, or {@code ackTimeout} has passed without an answer.
 *
 * @param quiet      the quiet period that ends a burst of changes (default 10 ms)
 * @param maxDelay   the longest a change waits while changes keep coming (default 100 ms)
 * @param ackTimeout how long an unanswered push holds back the next one (default 10 s)
 */
public record PushTimings(Duration quiet, Duration maxDelay, Duration ackTimeout) {

  public static final PushTimings DEFAULT = new PushTimings(Duration.ofMillis(10), Duration.ofMillis(100),
      Duration.ofSeconds(10));

  public PushTimings {
    Objects.requireNonNull(quiet, "quiet");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(ackTimeout, "ackTimeout");
    if (quiet.isNegative() || maxDelay.compareTo(quiet) < 0) {
      throw new IllegalArgumentException("push timings: quiet " + quiet + ", maxDelay " + maxDelay
          + " (expected: 0 <= quiet <= maxDelay)");
    }
    if (!ackTimeout.isPositive()) {
      throw new IllegalArgumentException("ackTimeout: " + ackTimeout + " (expected: > 0)");
    }
  }
}
