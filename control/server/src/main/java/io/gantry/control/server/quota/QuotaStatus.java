package io.gantry.control.server.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ParsedQuantity;
import io.gantry.control.server.resource.ResourceType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A quota's status as the resource quota controller computes it ({@code syncResourceQuota} and
 * {@code quota.CalculateUsage}): {@code hard} is {@code spec.hard}; {@code used} holds, for every hard
 * resource an evaluator accounts for, the usage of the namespace's objects that fall under the quota's
 * scopes, and for the others what was there before.
 *
 * @param status    the status to write
 * @param changed   whether it differs from the quota's current status
 * @param recheckAt when a counted pod's deletion grace period ends, and so usage drops without an event
 */
public record QuotaStatus(ObjectNode status, boolean changed, Optional<Instant> recheckAt) {

  /** Lists a type's objects in the quota's namespace. */
  @FunctionalInterface
  public interface Lister {
    List<? extends JsonNode> list(ResourceType type) throws Exception;
  }

  public static QuotaStatus compute(ObjectNode quota, Lister lister, Instant now) throws Exception {
    JsonNode oldStatus = quota.path("status");
    TreeMap<String, ParsedQuantity> hard = ResourceLists.of(quota.path("spec").path("hard"));
    TreeMap<String, ParsedQuantity> oldUsed = ResourceLists.of(oldStatus.path("used"));
    List<ScopeRequirement> scopes = ScopeRequirement.of(quota);
    TreeMap<String, ParsedQuantity> used = new TreeMap<>(oldUsed);
    Instant recheck = null;
    for (UsageEvaluator evaluator : Evaluators.all()) {
      List<String> names = evaluator.matchingResources(hard.keySet());
      if (names.isEmpty()) {
        continue;
      }
      TreeMap<String, ParsedQuantity> sum = new TreeMap<>();
      names.forEach(name -> sum.put(name, ParsedQuantity.ZERO));
      for (JsonNode object : lister.list(evaluator.type())) {
        if (!evaluator.matchesScopes(scopes, object)) {
          continue;
        }
        sum.putAll(ResourceLists.add(sum, evaluator.usage(object, now)));
        if (evaluator instanceof PodEvaluator) {
          Optional<Instant> deadline = PodEvaluator.deletionDeadline(object).filter(now::isBefore);
          if (deadline.isPresent() && (recheck == null || deadline.get().isBefore(recheck))) {
            recheck = deadline.get();
          }
        }
      }
      used.putAll(ResourceLists.mask(sum, names));
    }
    used = ResourceLists.mask(used, hard.keySet());
    boolean changed = !oldStatus.path("hard").isObject() || !oldStatus.path("used").isObject()
        || !ResourceLists.sameValues(hard, ResourceLists.of(oldStatus.path("hard")))
        || !ResourceLists.sameValues(used, oldUsed);
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.set("hard", ResourceLists.toJson(hard));
    status.set("used", ResourceLists.toJson(used));
    return new QuotaStatus(status, changed, Optional.ofNullable(recheck));
  }
}
