package io.gantry.control.server.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.ParsedQuantity;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pod's effective requests and limits, as {@code resourcehelper.PodRequests} and {@code PodLimits}: the
 * sum of its containers and of its sidecars (init containers that always restart), or the largest
 * single init container (with the sidecars started before it) when that is more, plus the pod overhead
 * (for limits, only where the pod sets a limit). And {@code podComputeUsageHelper}, which names them as
 * quota resources.
 */
final class PodResources {

  private PodResources() {}

  static TreeMap<String, ParsedQuantity> requests(JsonNode spec) {
    return effective(spec, "requests");
  }

  static TreeMap<String, ParsedQuantity> limits(JsonNode spec) {
    return effective(spec, "limits");
  }

  private static TreeMap<String, ParsedQuantity> effective(JsonNode spec, String kind) {
    TreeMap<String, ParsedQuantity> sum = new TreeMap<>();
    for (JsonNode container : spec.path("containers")) {
      sum = ResourceLists.add(sum, ResourceLists.of(container.path("resources").path(kind)));
    }
    TreeMap<String, ParsedQuantity> sidecars = new TreeMap<>();
    TreeMap<String, ParsedQuantity> initMax = new TreeMap<>();
    for (JsonNode container : spec.path("initContainers")) {
      TreeMap<String, ParsedQuantity> own = ResourceLists.of(container.path("resources").path(kind));
      TreeMap<String, ParsedQuantity> during;
      if (container.path("restartPolicy").asText("").equals("Always")) {
        sum = ResourceLists.add(sum, own);
        sidecars = ResourceLists.add(sidecars, own);
        during = sidecars;
      } else {
        during = ResourceLists.add(own, sidecars);
      }
      max(initMax, during);
    }
    max(sum, initMax);
    TreeMap<String, ParsedQuantity> overhead = ResourceLists.of(spec.path("overhead"));
    if (kind.equals("requests")) {
      return ResourceLists.add(sum, overhead);
    }
    for (Map.Entry<String, ParsedQuantity> entry : overhead.entrySet()) {
      sum.computeIfPresent(entry.getKey(), (name, limit) -> limit.plus(entry.getValue()));
    }
    return sum;
  }

  private static void max(Map<String, ParsedQuantity> into, Map<String, ParsedQuantity> other) {
    other.forEach((name, amount) -> into.merge(name, amount, (a, b) -> b.compareTo(a) > 0 ? b : a));
  }

  /** {@code podComputeUsageHelper}: {@code pods} and each stated resource under its quota names. */
  static TreeMap<String, ParsedQuantity> computeUsage(Map<String, ParsedQuantity> requests, Map<String, ParsedQuantity> limits) {
    TreeMap<String, ParsedQuantity> out = new TreeMap<>();
    out.put("pods", ParsedQuantity.of(1));
    for (String name : new String[] {"cpu", "memory", "ephemeral-storage"}) {
      ParsedQuantity request = requests.get(name);
      if (request != null) {
        out.put(name, request);
        out.put("requests." + name, request);
      }
      ParsedQuantity limit = limits.get(name);
      if (limit != null) {
        out.put("limits." + name, limit);
      }
    }
    requests.forEach((name, request) -> {
      if (name.startsWith("hugepages-")) {
        out.put(name, request);
        out.put("requests." + name, request);
      }
      if (isExtended(name)) {
        out.put("requests." + name, request);
      }
    });
    return out;
  }

  /** {@code IsNativeResource}: unqualified, or in the {@code kubernetes.io/} domain. */
  private static boolean isNative(String name) {
    return !name.contains("/") || name.contains("kubernetes.io/");
  }

  /** {@code IsExtendedResourceName}: qualified outside kubernetes.io, and not itself a quota name. */
  static boolean isExtended(String name) {
    return !isNative(name) && !name.startsWith("requests.");
  }

  /** {@code isExtendedResourceNameForQuota}: {@code requests.<extended resource>}. */
  static boolean isExtendedForQuota(String name) {
    return !isNative(name) && name.startsWith("requests.");
  }
}
