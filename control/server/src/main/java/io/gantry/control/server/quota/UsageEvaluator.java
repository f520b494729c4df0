package io.gantry.control.server.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ParsedQuantity;
import io.gantry.control.server.resource.ResourceType;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What one resource type consumes of a quota, as apiserver's {@code quota.Evaluator}: which quota
 * resources it accounts for, an object's usage, and whether it falls under a quota's scopes.
 */
public interface UsageEvaluator {

  /** The type whose objects this evaluator measures. */
  ResourceType type();

  /** Whether an update can change an object's usage (every create can); upstream's {@code Handles}. */
  default boolean chargesUpdates() {
    return false;
  }

  /** Whether a create, or an update when {@code update}, can change usage. */
  default boolean handles(boolean update) {
    return !update || chargesUpdates();
  }

  /** Whether this evaluator accounts for the quota resource {@code name}. */
  boolean accounts(String name);

  /** The names among {@code names} this evaluator accounts for, in their order. */
  default List<String> matchingResources(Collection<String> names) {
    return names.stream().filter(this::accounts).toList();
  }

  /** Whether an object falls under one scope of a quota; kinds without scopes match none. */
  default boolean matchesScope(ScopeRequirement scope, JsonNode object) {
    return false;
  }

  /** The object's usage of every resource this evaluator accounts for. */
  Map<String, ParsedQuantity> usage(JsonNode object, Instant now);

  /**
   * What the object lacks for a quota that limits {@code required} ({@code Constraints}), or null.
   * Only pods have constraints: a container must request what a quota limits of CPU and memory.
   */
  default String constraintViolation(Collection<String> required, JsonNode object) {
    return null;
  }

  /** {@code generic.Matches}: the quota's {@code status.hard} names one of our resources, and every scope holds. */
  default boolean matches(ObjectNode quota, JsonNode object) {
    if (matchingResources(ResourceLists.of(quota.path("status").path("hard")).keySet()).isEmpty()) {
      return false;
    }
    return matchesScopes(ScopeRequirement.of(quota), object);
  }

  default boolean matchesScopes(List<ScopeRequirement> scopes, JsonNode object) {
    for (ScopeRequirement scope : scopes) {
      if (!matchesScope(scope, object)) {
        return false;
      }
    }
    return true;
  }
}
