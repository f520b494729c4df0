package io.gantry.control.server.controller.scheduler;

import io.gantry.control.server.resource.Quantity;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The resources the scheduler accounts for: CPU in milli-cores, memory in bytes and a pod count.
 * Immutable.
 */
public record Resources(long milliCpu, long memory, long pods) {

  public static final Resources ZERO = new Resources(0, 0, 0);

  /** A {@code {cpu: ..., memory: ..., pods: ...}} map (requests, limits, allocatable); absent keys are zero. */
  public static Resources fromMap(JsonNode map) {
    return new Resources(quantity(map, "cpu", true), quantity(map, "memory", false), quantity(map, "pods", false));
  }

  private static long quantity(JsonNode map, String name, boolean milli) {
    JsonNode value = map == null ? null : map.get(name);
    if (value == null || value.isNull()) {
      return 0;
    }
    String text = value.isNumber() ? value.decimalValue().toPlainString() : value.asText();
    try {
      return milli ? Quantity.milliValue(text) : Quantity.value(text);
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  public Resources plus(Resources other) {
    return new Resources(milliCpu + other.milliCpu, memory + other.memory, pods + other.pods);
  }

  /** The larger of each resource: the init-container rule. */
  public Resources max(Resources other) {
    return new Resources(Math.max(milliCpu, other.milliCpu), Math.max(memory, other.memory),
        Math.max(pods, other.pods));
  }
}
