package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.validation.Quantities;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's quality-of-service class, as upstream's {@code GetPodQOS} derives it from the CPU and
 * memory requests and limits of all its containers (after requests were defaulted from limits):
 * BestEffort with none, Guaranteed when every container limits both and the sums of requests and
 * limits agree, else Burstable.
 */
public final class PodQos {

  private static final List<String> COMPUTE = List.of("cpu", "memory");

  private PodQos() {}

  public static String of(JsonNode spec) {
    Map<String, BigDecimal> requests = new HashMap<>();
    Map<String, BigDecimal> limits = new HashMap<>();
    boolean guaranteed = true;
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode container : spec.path(list)) {
        add(container.path("resources").path("requests"), requests, new HashSet<>());
        Set<String> limited = new HashSet<>();
        add(container.path("resources").path("limits"), limits, limited);
        guaranteed &= limited.containsAll(COMPUTE);
      }
    }
    if (requests.isEmpty() && limits.isEmpty()) {
      return "BestEffort";
    }
    for (Map.Entry<String, BigDecimal> request : requests.entrySet()) {
      BigDecimal limit = limits.get(request.getKey());
      guaranteed &= limit != null && limit.compareTo(request.getValue()) == 0;
    }
    return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
  }

  /** Adds the positive CPU and memory quantities of {@code list} to {@code sums}, naming them in {@code found}. */
  private static void add(JsonNode list, Map<String, BigDecimal> sums, Set<String> found) {
    for (String name : COMPUTE) {
      BigDecimal value = Quantities.parse(list.path(name)); // null when absent or malformed
      if (value != null && value.signum() > 0) {
        found.add(name);
        sums.merge(name, value, BigDecimal::add);
      }
    }
  }
}
