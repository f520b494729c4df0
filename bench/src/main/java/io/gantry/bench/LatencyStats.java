package io.gantry.bench;

import java.util.Arrays;

/** Nearest-rank percentiles over latencies in nanoseconds; immutable once built. */
final class LatencyStats {

  private final long[] sorted;

  private LatencyStats(long[] sorted) {
    this.sorted = sorted;
  }

  /** Copies and sorts the first {@code count} values of {@code nanos}. */
  static LatencyStats of(long[] nanos, int count) {
    long[] copy = Arrays.copyOf(nanos, count);
    Arrays.sort(copy);
    return new LatencyStats(copy);
  }

  int count() {
    return sorted.length;
  }

  /** The {@code p}-th percentile ({@code 0 < p <= 100}) in milliseconds; NaN when empty. */
  double percentileMillis(double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)] / 1e6;
  }

  double maxMillis() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
  }
}
