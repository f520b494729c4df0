package io.gantry.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads stop-the-world times out of a unified JVM log ({@code -Xlog:gc,safepoint}): every
 * safepoint's total (reaching it plus time at it), which covers GC pauses and everything else
 * that stops all Java threads.
 */
final class GcLog {

  /** For example {@code [1.2s] Safepoint "G1CollectForAllocation", Time since ..., Total: 3456789 ns}. */
  private static final Pattern SAFEPOINT = Pattern.compile("Safepoint \".*Total: (\\d+) ns");

  private GcLog() {}

  static List<Double> pausesMillis(List<String> lines) {
    List<Double> pauses = new ArrayList<>();
    for (String line : lines) {
      Matcher m = SAFEPOINT.matcher(line);
      if (m.find()) {
        pauses.add(Long.parseLong(m.group(1)) / 1e6);
      }
    }
    return pauses;
  }

  /** "n safepoints, total t ms, max m ms" over {@code pauses} from index {@code from}. */
  static String summary(List<Double> pauses, int from) {
    List<Double> recent = pauses.subList(Math.min(from, pauses.size()), pauses.size());
    double total = recent.stream().mapToDouble(Double::doubleValue).sum();
    double max = recent.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return String.format(java.util.Locale.ROOT, "%d safepoints, total %.1f ms, max %.1f ms",
        recent.size(), total, max);
  }
}
