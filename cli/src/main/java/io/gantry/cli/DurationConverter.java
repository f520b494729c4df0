package io.gantry.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Duration flags in Go's syntax, as kube-controller-manager and kube-proxy take them ({@code 20s},
 * {@code 1m30s}, {@code 300ms}, {@code 1.5h}), or ISO-8601 ({@code PT20S}).
 */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    String text = value.strip();
    if (text.startsWith("P") || text.startsWith("p") || text.startsWith("-P") || text.startsWith("-p")) {
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw invalid(value);
      }
    }
    return parseGo(text, value);
  }

  private static Duration parseGo(String text, String value) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    boolean negative = text.startsWith("-");
    int pos = negative || text.startsWith("+") ? 1 : 0;
    if (pos == text.length()) {
      throw invalid(value);
    }
    BigDecimal nanos = BigDecimal.ZERO;
    while (pos < text.length()) {
      int start = pos;
      while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
        pos++;
      }
      int unitStart = pos;
      while (pos < text.length() && !Character.isDigit(text.charAt(pos)) && text.charAt(pos) != '.') {
        pos++;
      }
      String number = text.substring(start, unitStart);
      long scale = switch (text.substring(unitStart, pos)) {
        case "ns" -> 1L;
        case "us", "µs", "μs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> throw invalid(value);
      };
      if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
        throw invalid(value);
      }
      nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(scale)));
    }
    try {
      Duration duration = Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
      return negative ? duration.negated() : duration;
    } catch (ArithmeticException e) {
      throw invalid(value);
    }
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException("'" + value + "' is not a duration (expected: Go syntax such as 20s, 1m30s,"
        + " 300ms, or ISO-8601 such as PT20S)");
  }
}
