package io.gantry.control.server.quota;

import io.gantry.control.server.resource.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * A quantity with the format apimachinery keeps beside its value, so that sums print as kube-apiserver
 * prints them: {@code 1500m}, {@code 2}, {@code 1k}, {@code 768Mi}, {@code 1e3}. A sum takes the format of
 * its first non-zero addend, as {@code Quantity.Add} does; zero prints as {@code 0}.
 *
 * @param value  the exact value, rounded up to nano units as apimachinery parses
 * @param format how the canonical string is written
 */
public record Amount(BigDecimal value, Format format) implements Comparable<Amount> {

  /** apimachinery's quantity formats. */
  public enum Format { DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT }

  public static final Amount ZERO = new Amount(BigDecimal.ZERO, Format.DECIMAL_SI);

  private static final String[] DECIMAL_SUFFIXES = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigInteger KI = BigInteger.valueOf(1024);

  public Amount {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(format, "format");
    value = value.scale() > 9 ? value.setScale(9, RoundingMode.CEILING) : value;
  }

  /** A count, as {@code resource.NewQuantity(n, DecimalSI)}. */
  public static Amount of(long count) {
    return new Amount(BigDecimal.valueOf(count), Format.DECIMAL_SI);
  }

  /**
   * Parses a quantity string.
   *
   * @throws IllegalArgumentException when the text is not a quantity
   */
  public static Amount parse(String text) {
    BigDecimal value = Quantity.parse(text);
    String trimmed = text.trim();
    Format format = Format.DECIMAL_SI;
    if (trimmed.endsWith("i")) {
      format = Format.BINARY_SI;
    } else if (trimmed.matches(".*[0-9.][eE][+-]?[0-9]+")) {
      format = Format.DECIMAL_EXPONENT;
    }
    return new Amount(value, format);
  }

  public Amount plus(Amount other) {
    return new Amount(value.add(other.value), value.signum() == 0 ? other.format : format);
  }

  public Amount minus(Amount other) {
    return new Amount(value.subtract(other.value), value.signum() == 0 ? other.format : format);
  }

  public boolean isZero() {
    return value.signum() == 0;
  }

  @Override
  public int compareTo(Amount other) {
    return value.compareTo(other.value);
  }

  /** Equal values, whatever their formats (apimachinery's {@code Cmp}). */
  public boolean sameValue(Amount other) {
    return value.compareTo(other.value) == 0;
  }

  /** The canonical string, as {@code Quantity.String()}. */
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
      shown = Format.DECIMAL_SI; // below 1Ki, or a fraction: no rounding, as upstream
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
    int exponent = Math.floorDiv(-stripped.scale(), 3) * 3;
    exponent = Math.max(-9, Math.min(exponent, 18));
    BigInteger mantissa = stripped.movePointLeft(exponent).toBigIntegerExact();
    if (shown == Format.DECIMAL_EXPONENT) {
      return sign + mantissa + (exponent == 0 ? "" : "e" + exponent);
    }
    return sign + mantissa + DECIMAL_SUFFIXES[exponent / 3 + 3];
  }
}
