package io.gantry.control.server.resource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * A resource quantity with the format apimachinery remembers for it (binary when written with {@code Ki} to
 * {@code Ei}, an exponent when written {@code 1e3}, decimal otherwise), so that sums and messages print as
 * kube-apiserver prints them: {@link #toString()} is {@code Quantity.String()}, the canonical form
 * ({@code 1500m}, {@code 2}, {@code 1536Mi}, {@code 1M}) rounded up to nano units.
 *
 * @param value  the exact value
 * @param format how it prints
 */
public record ParsedQuantity(BigDecimal value, Format format) implements Comparable<ParsedQuantity> {

  /** apimachinery's {@code resource.Format}. */
  public enum Format { DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT }

  /** The zero a missing quantity reads as. */
  public static final ParsedQuantity ZERO = new ParsedQuantity(BigDecimal.ZERO, Format.DECIMAL_SI);

  /** resource.MaxMilliValue: the largest value whose milli-units fit in a long. */
  public static final long MAX_MILLI_VALUE = Long.MAX_VALUE / 1000;

  private static final String[] DECIMAL_SUFFIXES = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigInteger KI = BigInteger.valueOf(1024);

  public ParsedQuantity {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(format, "format");
    value = value.scale() > 9 ? value.setScale(9, RoundingMode.CEILING) : value; // nano units, rounded up
  }

  /** A count, as {@code resource.NewQuantity(n, DecimalSI)}. */
  public static ParsedQuantity of(long count) {
    return new ParsedQuantity(BigDecimal.valueOf(count), Format.DECIMAL_SI);
  }

  /**
   * Parses a quantity and remembers its format.
   *
   * @throws IllegalArgumentException when the text is not a Kubernetes quantity
   */
  public static ParsedQuantity parse(String text) {
    BigDecimal value = Quantity.parse(text);
    String t = text.trim();
    Format format = t.endsWith("i") ? Format.BINARY_SI
        : t.matches(".*[0-9.][eE][+-]?[0-9]+") ? Format.DECIMAL_EXPONENT : Format.DECIMAL_SI;
    return new ParsedQuantity(value, format);
  }

  /** This plus {@code other}, in this quantity's format, or the other's when this is zero (as {@code Quantity.Add}). */
  public ParsedQuantity plus(ParsedQuantity other) {
    return new ParsedQuantity(value.add(other.value), value.signum() == 0 ? other.format : format);
  }

  /** This minus {@code other}, formatted as {@link #plus}. */
  public ParsedQuantity minus(ParsedQuantity other) {
    return new ParsedQuantity(value.subtract(other.value), value.signum() == 0 ? other.format : format);
  }

  public boolean isZero() {
    return value.signum() == 0;
  }

  /** Equal values, whatever their formats (apimachinery's {@code Cmp}). */
  public boolean sameValue(ParsedQuantity other) {
    return value.compareTo(other.value) == 0;
  }

  /** {@code Quantity.Value()}: whole units, rounded up, saturated. */
  public long wholeValue() {
    return saturate(value);
  }

  /** {@code Quantity.MilliValue()}: thousandths, rounded up, saturated. */
  public long milliValue() {
    return saturate(value.movePointRight(3));
  }

  @Override
  public int compareTo(ParsedQuantity other) {
    return value.compareTo(other.value);
  }

  /** {@code Quantity.String()}: the canonical form. */
  @Override
  public String toString() {
    if (value.signum() == 0) {
      return "0";
    }
    String sign = value.signum() < 0 ? "-" : "";
    BigDecimal magnitude = value.abs();
    Format shown = format;
    if (shown == Format.BINARY_SI && (magnitude.compareTo(BigDecimal.valueOf(1024)) < 0
        || magnitude.stripTrailingZeros().scale() > 0)) {
      shown = Format.DECIMAL_SI; // below 1Ki, or a fraction: printed in decimal, as upstream
    }
    if (shown == Format.BINARY_SI) {
      BigInteger mantissa = magnitude.toBigIntegerExact();
      int power = 0;
      while (power < BINARY_SUFFIXES.length - 1 && mantissa.mod(KI).signum() == 0) {
        mantissa = mantissa.divide(KI);
        power++;
      }
      return sign + mantissa + BINARY_SUFFIXES[power];
    }
    BigDecimal stripped = magnitude.stripTrailingZeros();
    int exponent = Math.floorDiv(-stripped.scale(), 3) * 3; // down to a multiple of three
    exponent = Math.max(-9, Math.min(exponent, 18));
    BigInteger mantissa = stripped.movePointLeft(exponent).toBigIntegerExact();
    if (shown == Format.DECIMAL_EXPONENT) {
      return sign + mantissa + (exponent == 0 ? "" : "e" + exponent);
    }
    return sign + mantissa + DECIMAL_SUFFIXES[exponent / 3 + 3];
  }

  private static long saturate(BigDecimal v) {
    BigDecimal up = v.setScale(0, RoundingMode.CEILING);
    if (up.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return Long.MAX_VALUE;
    }
    return up.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0 ? Long.MIN_VALUE : up.longValueExact();
  }
}
