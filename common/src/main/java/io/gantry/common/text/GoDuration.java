package io.gantry.common.text;

/** Go's {@code time.Duration.String()}, the JSON form of {@code metav1.Duration}. */
public final class GoDuration {

  private static final long MICROSECOND = 1_000L;
  private static final long MILLISECOND = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private GoDuration() {}

  /** Formats nanoseconds like Go: {@code 0s}, {@code 1.5µs}, {@code 300ms}, {@code 1h2m3.5s}. */
  public static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    boolean negative = nanos < 0;
    long u = negative ? -nanos : nanos; // Long.MIN_VALUE stays itself: read as unsigned below
    StringBuilder out = new StringBuilder();
    if (Long.compareUnsigned(u, SECOND) < 0) {
      if (u < MICROSECOND) {
        out.append(u).append("ns");
      } else if (u < MILLISECOND) {
        out.append(u / MICROSECOND).append(fraction(u % MICROSECOND, 3)).append("µs");
      } else {
        out.append(u / MILLISECOND).append(fraction(u % MILLISECOND, 6)).append("ms");
      }
    } else {
      String seconds = fraction(Long.remainderUnsigned(u, SECOND), 9) + "s";
      long whole = Long.divideUnsigned(u, SECOND);
      long hours = whole / 3600;
      long minutes = whole / 60 % 60;
      if (hours > 0) {
        out.append(hours).append('h');
      }
      if (hours > 0 || minutes > 0) {
        out.append(minutes).append('m');
      }
      out.append(whole % 60).append(seconds);
    }
    return negative ? "-" + out : out.toString();
  }

  /** ".digits" of {@code value / 10^precision} without trailing zeros; empty when zero. */
  private static String fraction(long value, int precision) {
    if (value == 0) {
      return "";
    }
    String digits = String.format("%0" + precision + "d", value);
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return "." + digits.substring(0, end);
  }
}
