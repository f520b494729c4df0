package io.gantry.proxy.metrics;

import java.util.Arrays;

/**
 * A Prometheus histogram of seconds with fixed buckets, rendered in the text format.
 *
 * <p>Concurrency: observations and rendering synchronize on the histogram; both are rare (once
 * per routing table published), so a lock is simpler than striped counters.
 */
final class Histogram {

  private final String name;
  private final String help;
  private final double[] bounds;
  private final long[] counts;
  private double sum;
  private long count;

  Histogram(String name, String help, double... bounds) {
    this.name = name;
    this.help = help;
    this.bounds = bounds.clone();
    for (int i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) {
        throw new IllegalArgumentException("bounds: " + Arrays.toString(bounds) + " (expected: increasing)");
      }
    }
    this.counts = new long[bounds.length + 1];
  }

  synchronized void observe(double seconds) {
    int i = Arrays.binarySearch(bounds, seconds);
    counts[i >= 0 ? i : -i - 1]++; // a value equal to a bound belongs to that bucket (le)
    sum += seconds;
    count++;
  }

  synchronized long count() {
    return count;
  }

  synchronized void render(StringBuilder out) {
    render(out, name, help);
  }

  /** Renders the same observations under another name (an alias kube-proxy's tools know). */
  synchronized void render(StringBuilder out, String name, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i < bounds.length; i++) {
      cumulative += counts[i];
      out.append(name).append("_bucket{le=\"").append(bounds[i]).append("\"} ").append(cumulative).append('\n');
    }
    cumulative += counts[bounds.length];
    out.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n')
        .append(name).append("_sum ").append(sum).append('\n')
        .append(name).append("_count ").append(count).append('\n');
  }
}
