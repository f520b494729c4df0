package io.gantry.control.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential back-off with jitter, as gRPC's connection back-off: each delay is the previous
 * one times {@code multiplier}, capped at {@code max}, spread by +/-20 % so many daemons
 * restarted together do not reconnect in lockstep.
 *
 * <p>Not thread-safe: used in the client's single context.
 */
final class Backoff {

  static final double MULTIPLIER = 1.6;
  static final double JITTER = 0.2;

  private final long initialNanos;
  private final long maxNanos;
  private final RandomGenerator random;
  private long nextNanos;

  Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = Objects.requireNonNull(random, "random");
    if (initialNanos <= 0 || maxNanos < initialNanos) {
      throw new IllegalArgumentException("backoff: initial " + initial + ", max " + max
          + " (expected: 0 < initial <= max)");
    }
    this.nextNanos = initialNanos;
  }

  /** The delay before the next attempt. */
  long nextDelayNanos() {
    long base = nextNanos;
    nextNanos = (long) Math.min(maxNanos, base * MULTIPLIER);
    double spread = 1 + JITTER * (2 * random.nextDouble() - 1);
    return (long) (base * spread);
  }

  /** After a success: start from the initial delay again. */
  void reset() {
    nextNanos = initialNanos;
  }
}
