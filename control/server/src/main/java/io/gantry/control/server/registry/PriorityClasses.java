package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two system PriorityClasses kube-apiserver creates at start-up ({@code SystemPriorityClasses()}),
 * and their bootstrap: each is created when missing, as the scheduling storage's post-start hook does.
 */
public final class PriorityClasses {

  /** Their names and values, as {@code scheduling.SystemPriorityClasses()}. */
  public static final Map<String, Long> SYSTEM = Map.of(
      "system-node-critical", 2_000_001_000L, "system-cluster-critical", 2_000_000_000L);

  private static final Map<String, String> DESCRIPTIONS = Map.of(
      "system-node-critical", "Used for system critical pods that must not be moved from their current node.",
      "system-cluster-critical", "Used for system critical pods that must run in the cluster, but can be moved to"
          + " another node if necessary.");

  private PriorityClasses() {}

  /** Creates each system class that is missing (a client may have deleted it as a collection). */
  public static void ensureSystemClasses(ObjectRegistry registry) {
    for (String name : List.of("system-node-critical", "system-cluster-critical")) {
      if (registry.find(ResourceTypes.PRIORITYCLASSES, null, name).isPresent()) {
        continue;
      }
      ObjectNode pc = Json.object();
      pc.put("apiVersion", "scheduling.k8s.io/v1").put("kind", "PriorityClass");
      pc.putObject("metadata").put("name", name);
      pc.put("value", SYSTEM.get(name)).put("description", DESCRIPTIONS.get(name));
      try {
        registry.create(ResourceTypes.PRIORITYCLASSES, null, pc);
      } catch (ApiException e) {
        if (e.code() != 409) {
          throw new IllegalStateException("cannot create PriorityClass " + name + ": " + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * {@code getDefaultPriorityClass}: of the classes marked {@code globalDefault}, the one of the lowest
   * value (more than one exist only after a race).
   */
  static Optional<JsonNode> globalDefault(List<? extends JsonNode> classes) {
    return classes.stream()
        .filter(c -> c.path("globalDefault").asBoolean(false))
        .min(Comparator.comparingLong(c -> c.path("value").asLong()))
        .map(c -> (JsonNode) c);
  }
}
