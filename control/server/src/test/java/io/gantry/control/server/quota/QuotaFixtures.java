package io.gantry.control.server.quota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ParsedQuantity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Objects written as YAML, and usage printed as {@code name=value} lists. */
final class QuotaFixtures {

  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private QuotaFixtures() {}

  static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) Json.YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A pod with one container per {@code requests/limits} pair, e.g. {@code "cpu: 100m", "cpu: 200m"}. */
  static ObjectNode pod(String name, String... requestsThenLimits) {
    StringBuilder containers = new StringBuilder();
    for (int i = 0; i < requestsThenLimits.length; i += 2) {
      containers.append("  - {name: c").append(i / 2).append(", image: nginx, resources: {requests: {")
          .append(requestsThenLimits[i]).append("}, limits: {").append(requestsThenLimits[i + 1]).append("}}}\n");
    }
    return yaml("metadata: {name: " + name + ", namespace: demo}\nspec:\n  containers:\n" + containers
        + "status: {phase: Running}\n");
  }

  static String pretty(Map<String, ParsedQuantity> usage) {
    return ResourceLists.pretty(new TreeMap<>(usage));
  }
}
