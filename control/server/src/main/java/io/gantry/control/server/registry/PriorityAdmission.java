package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Map;

/**
 * kube-apiserver's Priority admission plugin, with the two system PriorityClasses it creates (this
 * server serves no other): a pod's {@code priority} is computed from its {@code priorityClassName}
 * (0 without one), an unknown class is refused (403), and a {@code priority} or
 * {@code preemptionPolicy} the pod gives that differs from the computed one is refused (403).
 */
public final class PriorityAdmission implements WritePlugin {

  /** scheduling.SystemPriorityClasses(): their values. */
  private static final Map<String, Long> SYSTEM_CLASSES = Map.of(
      "system-node-critical", 2_000_001_000L, "system-cluster-critical", 2_000_000_000L);
  private static final String PREEMPT = "PreemptLowerPriority";

  @Override
  public void admitCreate(ResourceType type, ObjectNode object) throws ApiException {
    if (type != ResourceTypes.PODS) {
      return;
    }
    ObjectNode spec = Defaults.spec(object);
    String name = ObjectMeta.name(object);
    String className = spec.path("priorityClassName").asText("");
    long priority;
    if (className.isEmpty()) {
      priority = 0; // no default PriorityClass exists here
    } else if (SYSTEM_CLASSES.containsKey(className)) {
      priority = SYSTEM_CLASSES.get(className);
      String policy = spec.path("preemptionPolicy").asText(PREEMPT);
      if (!policy.equals(PREEMPT)) {
        throw ApiException.forbidden(type, name, "the string value of PreemptionPolicy (" + policy + ") must not be"
            + " provided in pod spec; priority admission controller computed " + PREEMPT
            + " from the given PriorityClass name");
      }
      spec.put("preemptionPolicy", PREEMPT);
    } else {
      throw ApiException.forbidden(type, name, "no PriorityClass with name " + className + " was found");
    }
    if (spec.hasNonNull("priority") && spec.path("priority").asLong() != priority) {
      throw ApiException.forbidden(type, name, "the integer value of priority (" + spec.path("priority").asLong()
          + ") must not be provided in pod spec; priority admission controller computed " + priority
          + " from the given PriorityClass name");
    }
    spec.put("priority", priority);
  }
}
