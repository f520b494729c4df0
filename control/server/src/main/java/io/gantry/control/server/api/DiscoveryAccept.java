package io.gantry.control.server.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Content negotiation of {@code /api} and {@code /apis}, as kube-apiserver's discovery wrapper does
 * it: the Accept header's media ranges are tried by quality, most specific first, and the first one
 * the server can answer decides. A JSON range converting to {@code apidiscovery.k8s.io/v2} or
 * {@code v2beta1} {@code APIGroupDiscoveryList} asks for aggregated discovery; a range converting to
 * anything else is passed over; any other range Gantry serves (JSON, YAML, protobuf, wildcards)
 * keeps the legacy APIVersions / APIGroupList.
 */
final class DiscoveryAccept {

  static final String GROUP = "apidiscovery.k8s.io";
  static final String KIND = "APIGroupDiscoveryList";
  static final List<String> VERSIONS = List.of("v2", "v2beta1");

  /** Accept headers longer than this are not parsed for aggregated discovery (the legacy answer serves). */
  private static final int MAX_ACCEPT_LENGTH = 4096;

  private DiscoveryAccept() {}

  /** The aggregated discovery version the client asks for first, or empty for the legacy documents. */
  static Optional<String> aggregatedVersion(String accept) {
    if (accept == null || accept.isBlank() || accept.length() > MAX_ACCEPT_LENGTH) {
      return Optional.empty();
    }
    for (Range range : ranges(accept)) {
      boolean json = range.type.equals("application/json") || range.type.equals("application/*")
          || range.type.equals("*/*");
      boolean served = json || range.type.equals("application/yaml")
          || range.type.equals("application/vnd.kubernetes.protobuf");
      if (!served) {
        continue;
      }
      boolean converts = range.params.containsKey("g") || range.params.containsKey("v")
          || range.params.containsKey("as");
      if (!converts) {
        return Optional.empty();
      }
      String version = range.params.getOrDefault("v", "");
      // aggregated discovery in YAML or protobuf is not served: try the client's next choice
      if (json && GROUP.equals(range.params.get("g")) && KIND.equals(range.params.get("as"))
          && VERSIONS.contains(version)) {
        return Optional.of(version);
      }
    }
    return Optional.empty();
  }

  /** A media range: its lower-case type, parameters (names lower case, {@code q} removed) and quality. */
  private record Range(String type, Map<String, String> params, double quality, int specificity) {}

  private static List<Range> ranges(String accept) {
    List<Range> ranges = new ArrayList<>();
    for (String clause : accept.split(",")) {
      String[] parts = clause.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      if (type.isEmpty()) {
        continue;
      }
      Map<String, String> params = new HashMap<>();
      double quality = 1;
      for (int i = 1; i < parts.length; i++) {
        int equals = parts[i].indexOf('=');
        if (equals < 0) {
          continue;
        }
        String name = parts[i].substring(0, equals).trim().toLowerCase(Locale.ROOT);
        String value = unquoted(parts[i].substring(equals + 1).trim());
        if (name.equals("q")) {
          quality = quality(value);
        } else {
          params.put(name, value);
        }
      }
      if (quality > 0) {
        int specificity = type.equals("*/*") ? 0 : type.endsWith("/*") ? 1 : 2;
        ranges.add(new Range(type, Map.copyOf(params), quality, specificity));
      }
    }
    // stable: equal ranges keep the client's order
    ranges.sort(Comparator.comparingDouble(Range::quality).reversed()
        .thenComparing(Comparator.comparingInt(Range::specificity).reversed()));
    return ranges;
  }

  private static double quality(String value) {
    try {
      double q = Double.parseDouble(value);
      return q >= 0 && q <= 1 ? q : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String unquoted(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
  }
}
