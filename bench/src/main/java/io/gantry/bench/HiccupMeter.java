package io.gantry.bench;

/**
 * Measures this process's own stalls (GC, safepoints, CPU starvation) the jHiccup way: a
 * platform thread sleeps 1 ms in a loop and records how much longer each sleep took. A stall
 * seen here also delays the benchmark's clocks, so it must not be blamed on the server.
 *
 * <p>Concurrency: the sampling thread alone writes the fields; {@link #close} joins it, which
 * orders those writes before the reads in {@link #summary}.
 */
final class HiccupMeter implements AutoCloseable {

  private static final long STALL_NANOS = 50_000_000;

  private final Thread thread;
  private volatile boolean running = true;
  private long maxOvershootNanos;
  private long stallsOver50ms;
  private long stalledNanos;

  HiccupMeter() {
    thread = Thread.ofPlatform().daemon(true).name("bench-hiccup-meter").start(this::sample);
  }

  private void sample() {
    while (running) {
      long before = System.nanoTime();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
      long overshoot = System.nanoTime() - before - 1_000_000;
      maxOvershootNanos = Math.max(maxOvershootNanos, overshoot);
      if (overshoot > STALL_NANOS) {
        stallsOver50ms++;
        stalledNanos += overshoot;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(1000);
  }

  String summary() {
    return String.format(java.util.Locale.ROOT,
        "this process stalled %d times over 50 ms (%.0f ms in all), longest %.1f ms",
        stallsOver50ms, stalledNanos / 1e6, maxOvershootNanos / 1e6);
  }
}
