package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code env[].valueFrom.resourceFieldRef} as the kubelet resolves it
 * ({@code ExtractContainerResourceValue}): {@code limits.*} or {@code requests.*} of
 * {@code cpu}, {@code memory}, {@code ephemeral-storage} or {@code hugepages-<size>} of the
 * container (or of {@code containerName}), divided by {@code divisor} (default 1) and rounded up:
 * CPU in milli-units ({@code 250m} with divisor 1 is {@code 1}, with divisor {@code 1m} is
 * {@code 250}), the others in whole units. A limit that is not set is the node's allocatable
 * amount ({@code defaultPodLimitsForDownwardAPI}); a request that is not set is 0.
 */
final class ResourceEnv {

  private static final Pattern SHAPE =
      Pattern.compile("([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))([a-zA-Z]*|[eE][+-]?[0-9]+)");
  private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
      Map.entry("", BigDecimal.ONE), Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
      Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
      Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
      Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
      Map.entry("E", new BigDecimal("1e18")), Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
      Map.entry("Mi", BigDecimal.valueOf(1L << 20)), Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
      Map.entry("Ti", BigDecimal.valueOf(1L << 40)), Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
      Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

  /** Where the node's allocatable resources come from, asked only when a limit is not set. */
  interface Allocatable {
    JsonNode get() throws java.io.IOException;
  }

  private ResourceEnv() {}

  /**
   * The value of {@code ref} for {@code container} of {@code pod}.
   *
   * @throws IllegalArgumentException for a resource the kubelet does not resolve, or a bad quantity
   */
  static String value(JsonNode ref, JsonNode pod, JsonNode container, Allocatable allocatable)
      throws java.io.IOException {
    String resource = ref.path("resource").asText("");
    String containerName = ref.path("containerName").asText("");
    JsonNode target = container;
    if (!containerName.isEmpty() && !containerName.equals(container.path("name").asText())) {
      target = find(pod, containerName);
    }
    int dot = resource.indexOf('.');
    String kind = dot < 0 ? "" : resource.substring(0, dot);
    String name = dot < 0 ? "" : resource.substring(dot + 1);
    if (!kind.equals("limits") && !kind.equals("requests") || !(name.equals("cpu") || name.equals("memory")
        || name.equals("ephemeral-storage") || name.startsWith("hugepages-"))) {
      throw new IllegalArgumentException("unsupported container resource : " + resource);
    }
    JsonNode set = target.path("resources").path(kind).path(name);
    BigDecimal amount;
    if (set.isValueNode() && !set.isNull()) {
      amount = parse(set.asText());
    } else if (kind.equals("limits")) {
      JsonNode node = allocatable.get().path(name);
      amount = node.isValueNode() ? parse(node.asText()) : BigDecimal.ZERO;
    } else {
      amount = BigDecimal.ZERO;
    }
    String divisorText = ref.path("divisor").asText("");
    BigDecimal divisor = divisorText.isEmpty() ? BigDecimal.ZERO : parse(divisorText);
    if (divisor.signum() == 0) {
      divisor = BigDecimal.ONE;
    }
    if (name.equals("cpu")) {
      // ceil(MilliValue(amount) / MilliValue(divisor)), each MilliValue rounded up
      return amount.movePointRight(3).setScale(0, RoundingMode.CEILING)
          .divide(divisor.movePointRight(3).setScale(0, RoundingMode.CEILING), 0, RoundingMode.CEILING).toPlainString();
    }
    return amount.setScale(0, RoundingMode.CEILING)
        .divide(divisor.setScale(0, RoundingMode.CEILING), 0, RoundingMode.CEILING).toPlainString();
  }

  private static JsonNode find(JsonNode pod, String name) {
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode c : pod.path("spec").path(list)) {
        if (name.equals(c.path("name").asText())) {
          return c;
        }
      }
    }
    throw new IllegalArgumentException("container " + name + " not found in pod");
  }

  /** A Kubernetes quantity ({@code 250m}, {@code 64Mi}, {@code 1e3}) as an exact decimal. */
  static BigDecimal parse(String text) {
    Matcher m = SHAPE.matcher(text.trim());
    if (text.length() > 64 || !m.matches()) {
      throw new IllegalArgumentException("quantity: " + text + " (expected: e.g. 250m, 64Mi, 1Gi, 1e3)");
    }
    BigDecimal number = new BigDecimal(m.group(1).startsWith("+") ? m.group(1).substring(1) : m.group(1));
    String suffix = m.group(2);
    BigDecimal multiplier = SUFFIXES.get(suffix);
    if (multiplier != null) {
      return number.multiply(multiplier);
    }
    int exponent = Integer.parseInt(suffix.substring(1).replace("+", ""));
    if (Math.abs(exponent) > 100) {
      throw new IllegalArgumentException("quantity: " + text + " (exponent out of range)");
    }
    return number.scaleByPowerOfTen(exponent);
  }
}
