package io.gantry.control.server.resource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ({@code 100m}, {@code 1}, {@code 128Mi}, {@code 1Gi}, {@code 1e3},
 * {@code 500k}) as exact decimals, and the integer views the scheduler compares: milli-units for
 * CPU and whole units (bytes, pods) for everything else, both rounded up as apimachinery's
 * {@code Quantity.MilliValue()} and {@code Value()} do.
 */
public final class Quantity {

  private static final Pattern SHAPE = Pattern.compile("([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))([a-zA-Z]*|[eE][+-]?[0-9]+)");
  private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
      Map.entry("", BigDecimal.ONE),
      Map.entry("n", new BigDecimal("1e-9")),
      Map.entry("u", new BigDecimal("1e-6")),
      Map.entry("m", new BigDecimal("1e-3")),
      Map.entry("k", new BigDecimal("1e3")),
      Map.entry("M", new BigDecimal("1e6")),
      Map.entry("G", new BigDecimal("1e9")),
      Map.entry("T", new BigDecimal("1e12")),
      Map.entry("P", new BigDecimal("1e15")),
      Map.entry("E", new BigDecimal("1e18")),
      Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
      Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
      Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
      Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
      Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
      Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

  private Quantity() {}

  /**
   * The exact value of a quantity string.
   *
   * @throws IllegalArgumentException when the text is not a Kubernetes quantity
   */
  public static BigDecimal parse(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.trim();
    Matcher m = SHAPE.matcher(trimmed);
    if (trimmed.length() > 64 || !m.matches()) {
      throw new IllegalArgumentException("quantity: " + text + " (expected: a number with an optional suffix "
          + "such as 100m, 128Mi, 1Gi, 1e3 or 500k)");
    }
    BigDecimal number = new BigDecimal(m.group(1).startsWith("+") ? m.group(1).substring(1) : m.group(1));
    String suffix = m.group(2);
    BigDecimal multiplier = SUFFIXES.get(suffix);
    if (multiplier != null) {
      return number.multiply(multiplier);
    }
    if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
      int exponent = Integer.parseInt(suffix.substring(1).replace("+", ""));
      if (Math.abs(exponent) <= 100) {
        return number.scaleByPowerOfTen(exponent);
      }
    }
    throw new IllegalArgumentException("quantity: " + text + " (unknown suffix \"" + suffix
        + "\"; expected one of n u m k M G T P E Ki Mi Gi Ti Pi Ei or an exponent e<n>)");
  }

  /** Thousandths of the value, rounded up (CPU: {@code 100m} is 100, {@code 1} is 1000). */
  public static long milliValue(String text) {
    return saturate(parse(text).movePointRight(3));
  }

  /** The value in whole units, rounded up ({@code 1Ki} is 1024, {@code 1500m} is 2). */
  public static long value(String text) {
    return saturate(parse(text));
  }

  private static long saturate(BigDecimal value) {
    BigDecimal rounded = value.setScale(0, RoundingMode.CEILING);
    if (rounded.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return Long.MAX_VALUE;
    }
    if (rounded.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
      return Long.MIN_VALUE;
    }
    return rounded.longValueExact();
  }
}
