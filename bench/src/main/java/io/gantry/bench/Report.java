package io.gantry.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Prints results as {@code name=<suite>.<target>.<scenario> metric=<m> value=<v> unit=<u>}, one
 * figure a line on standard output (the only thing that goes there), and progress on standard
 * error.
 */
final class Report {

  private final String prefix;

  /** @param prefix {@code <suite>.<target>}, for example {@code api.gantry} */
  Report(String prefix) {
    this.prefix = prefix;
  }

  void figure(String scenario, String metric, double value, String unit) {
    System.out.println("name=" + prefix + "." + scenario + " metric=" + metric
        + " value=" + format(value) + " unit=" + unit);
    System.out.flush();
  }

  static void log(String format, Object... args) {
    System.err.println("[bench] " + String.format(Locale.ROOT, format, args));
  }

  /** Plain decimal (never scientific), at most three fractional digits. */
  static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "NaN";
    }
    return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros()
        .toPlainString();
  }
}
