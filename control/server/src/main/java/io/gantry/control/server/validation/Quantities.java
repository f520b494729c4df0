package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Kubernetes resource quantities ({@code 500m}, {@code 1Gi}, {@code 1e3}) to exact decimals. */
final class Quantities {

  static final String FORMAT_MSG =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

  private static final Pattern SHAPE = Pattern.compile("([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)");
  private static final Pattern NUMBER = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)");
  private static final Pattern EXPONENT = Pattern.compile("[eE][-+]?[0-9]+");
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

  private Quantities() {}

  /** The quantity's value, or {@code null} when the node is not a valid quantity. */
  static BigDecimal parse(JsonNode node) {
    if (node.isNumber()) {
      return node.decimalValue();
    }
    return node.isTextual() ? parse(node.asText()) : null;
  }

  static BigDecimal parse(String text) {
    Matcher m = SHAPE.matcher(text);
    if (text.length() > 64 || !m.matches() || !NUMBER.matcher(m.group(1)).matches()) {
      return null;
    }
    BigDecimal number = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1).startsWith(".")
        ? "0" + m.group(1) : m.group(1).replace("+.", "+0.").replace("-.", "-0."));
    String suffix = m.group(2);
    BigDecimal multiplier = SUFFIXES.get(suffix);
    if (multiplier != null) {
      return number.multiply(multiplier);
    }
    if (EXPONENT.matcher(suffix).matches()) {
      int exp = Integer.parseInt(suffix.substring(1).replace("+", ""));
      return Math.abs(exp) > 1000 ? null : number.scaleByPowerOfTen(exp);
    }
    return null;
  }
}
