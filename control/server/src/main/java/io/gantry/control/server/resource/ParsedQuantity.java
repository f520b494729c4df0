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

  private static final BigInteger KI = BigInteger.valueOf(1024);

  public ParsedQuantity {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(format, "format");
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

  /** This plus {@code other}, in this quantity's format (as {@code Quantity.Add}). */
  public ParsedQuantity plus(ParsedQuantity other) {
    return new ParsedQuantity(value.add(other.value), format);
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
    BigDecimal rounded = value.setScale(9, RoundingMode.CEILING);
    if (rounded.signum() == 0) {
      return "0";
    }
    Format shown = format;
    if (shown == Format.BINARY_SI && (rounded.abs().compareTo(BigDecimal.valueOf(1024)) < 0
        || rounded.stripTrailingZeros().scale() > 0)) {
      shown = Format.DECIMAL_SI; // small or fractional binary quantities print in decimal
    }
    if (shown == Format.BINARY_SI) {
      BigInteger amount = rounded.toBigIntegerExact();
      int power = 0;
      while (power < 6 && amount.mod(KI).signum() == 0) {
        amount = amount.divide(KI);
        power++;
      }
      return amount + (power == 0 ? "" : "KMGTPE".charAt(power - 1) + "i");
    }
    BigDecimal stripped = rounded.stripTrailingZeros();
    BigInteger mantissa = stripped.unscaledValue();
    int exponent = -stripped.scale();
    int down = Math.floorMod(exponent, 3); // the exponent goes down to a multiple of three
    mantissa = mantissa.multiply(BigInteger.TEN.pow(down));
    exponent -= down;
    return mantissa + suffix(exponent, shown);
  }

  private static String suffix(int exponent, Format format) {
    if (format == Format.DECIMAL_SI) {
      switch (exponent) {
        case -9: return "n";
        case -6: return "u";
        case -3: return "m";
        case 0: return "";
        case 3: return "k";
        case 6: return "M";
        case 9: return "G";
        case 12: return "T";
        case 15: return "P";
        case 18: return "E";
        default: break;
      }
    }
    return exponent == 0 ? "" : "e" + exponent;
  }

  private static long saturate(BigDecimal v) {
    BigDecimal up = v.setScale(0, RoundingMode.CEILING);
    if (up.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return Long.MAX_VALUE;
    }
    return up.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0 ? Long.MIN_VALUE : up.longValueExact();
  }
}
