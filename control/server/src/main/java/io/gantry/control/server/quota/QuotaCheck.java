package io.gantry.control.server.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ParsedQuantity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ResourceQuota admission plugin's {@code CheckRequest}: which of a namespace's quotas a write falls
 * under, whether any refuses it, and each such quota's {@code status.used} with the write charged.
 * Quotas are matched by their {@code status.hard}, so a quota the controller has not yet counted binds
 * nothing; one whose usage of a matching resource is unknown refuses.
 */
public final class QuotaCheck {

  private QuotaCheck() {}

  /**
   * @param quotas the namespace's quotas
   * @param object the object to write
   * @param old    the stored object of an update, or null for a create
   * @return the new {@code status.used} of each quota whose usage changes, by index in {@code quotas}
   * @throws QuotaRefusal when a quota refuses the write, in the plugin's words
   */
  public static Map<Integer, TreeMap<String, ParsedQuantity>> charge(UsageEvaluator evaluator, List<ObjectNode> quotas,
      JsonNode object, JsonNode old, Instant now) throws QuotaRefusal {
    if (!evaluator.handles(old != null)) {
      return Map.of();
    }
    List<Integer> interesting = new ArrayList<>();
    for (int i = 0; i < quotas.size(); i++) {
      ObjectNode quota = quotas.get(i);
      if (!evaluator.matches(quota, object)) {
        continue;
      }
      String name = quota.path("metadata").path("name").asText("");
      List<String> restricted = evaluator.matchingResources(
          ResourceLists.of(quota.path("status").path("hard")).keySet());
      String violation = evaluator.constraintViolation(restricted, object);
      if (violation != null) {
        throw new QuotaRefusal("failed quota: " + name + ": " + violation);
      }
      TreeMap<String, ParsedQuantity> used = ResourceLists.of(quota.path("status").path("used"));
      if (!used.keySet().containsAll(restricted)) {
        throw new QuotaRefusal("status unknown for quota: " + name + ", resources: "
            + String.join(",", new TreeSet<>(restricted)));
      }
      interesting.add(i);
    }
    if (interesting.isEmpty()) {
      return Map.of();
    }
    Map<String, ParsedQuantity> usage = evaluator.usage(object, now);
    if (!ResourceLists.negative(usage).isEmpty()) {
      throw new QuotaRefusal("quota usage is negative for resource(s): "
          + String.join(",", ResourceLists.negative(usage)));
    }
    Map<Integer, TreeMap<String, ParsedQuantity>> deltas = new LinkedHashMap<>();
    for (int index : interesting) {
      Map<String, ParsedQuantity> delta = usage;
      if (old != null && evaluator.matches(quotas.get(index), old)) {
        delta = ResourceLists.subtractNonNegative(usage, evaluator.usage(old, now));
      }
      delta = ResourceLists.removeZeros(delta);
      if (!delta.isEmpty()) {
        deltas.put(index, new TreeMap<>(delta));
      }
    }
    Map<Integer, TreeMap<String, ParsedQuantity>> charged = new LinkedHashMap<>();
    for (Map.Entry<Integer, TreeMap<String, ParsedQuantity>> entry : deltas.entrySet()) {
      ObjectNode quota = quotas.get(entry.getKey());
      TreeMap<String, ParsedQuantity> hard = ResourceLists.of(quota.path("status").path("hard"));
      TreeMap<String, ParsedQuantity> used = ResourceLists.of(quota.path("status").path("used"));
      TreeMap<String, ParsedQuantity> requested = ResourceLists.mask(entry.getValue(), hard.keySet());
      TreeMap<String, ParsedQuantity> newUsed = ResourceLists.add(used, requested);
      List<String> exceeded = ResourceLists.exceeded(ResourceLists.mask(newUsed, requested.keySet()), hard);
      if (!exceeded.isEmpty()) {
        throw new QuotaRefusal("exceeded quota: " + quota.path("metadata").path("name").asText("")
            + ", requested: " + ResourceLists.pretty(ResourceLists.mask(requested, exceeded))
            + ", used: " + ResourceLists.pretty(ResourceLists.mask(used, exceeded))
            + ", limited: " + ResourceLists.pretty(ResourceLists.mask(hard, exceeded)));
      }
      if (!requested.isEmpty()) {
        charged.put(entry.getKey(), newUsed);
      }
    }
    return charged;
  }
}
