package io.gantry.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for a condition in an end-to-end test: poll with a deadline, fail with the last state. */
public final class Poll {

  private Poll() {}

  /** Polls until {@code value} is non-null and returns it; fails after {@code timeout} naming {@code what}. */
  public static <T> T value(String what, Duration timeout, Duration interval, Supplier<T> value, Supplier<?> state) {
    Objects.requireNonNull(value, "value");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T current = value.get();
      if (current != null) {
        return current;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last state: "
            + state.get());
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  /** Polls until {@code condition} holds; fails after {@code timeout} naming {@code what}. */
  public static void until(String what, Duration timeout, Duration interval, BooleanSupplier condition,
      Supplier<?> state) {
    value(what, timeout, interval, () -> condition.getAsBoolean() ? Boolean.TRUE : null, state);
  }
}
