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

  private final String what;

  /** Samples on a platform thread: stalls of the whole process or of its OS scheduling. */
  static HiccupMeter platform() {
    return new HiccupMeter(Thread.ofPlatform().daemon(true).name("bench-hiccup-meter"), "this process");
  }

  /**
   * Samples on a virtual thread: additionally sees the carrier threads being busy, that is a
   * backlog of this process's own watch readers.
   */
  static HiccupMeter virtual() {
    return new HiccupMeter(Thread.ofVirtual().name("bench-hiccup-meter-virtual"), "its virtual threads");
  }

  private HiccupMeter(Thread.Builder builder, String what) {
    this.what = what;
    this.thread = builder.start(this::sample);
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
  public void close() {
    running = false;
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The longest stall seen, in milliseconds. */
  double maxStallMillis() {
    return maxOvershootNanos / 1e6;
  }

  String summary() {
    return String.format(java.util.Locale.ROOT,
        "%s stalled %d times over 50 ms (%.0f ms in all), longest %.1f ms",
        what, stallsOver50ms, stalledNanos / 1e6, maxOvershootNanos / 1e6);
  }
}
