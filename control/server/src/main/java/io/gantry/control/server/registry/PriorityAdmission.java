package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * kube-apiserver's Priority admission plugin, with the PriorityClasses read from the store at the time
 * of the request:
 * <ul>
 *   <li>a pod created takes the {@code value} and {@code preemptionPolicy} of the class its
 *       {@code priorityClassName} names, or without one those of the {@code globalDefault} class (whose
 *       name it then takes), or 0 and {@code PreemptLowerPriority}; an unknown class is refused (403), and
 *       so is a {@code priority} or {@code preemptionPolicy} the pod gives that differs from the computed one;
 *   <li>a pod updated keeps the priority and policy it has when the update leaves them out;
 *   <li>a PriorityClass created or updated as {@code globalDefault} is refused (403) while another
 *       class is the default.
 * </ul>
 */
public final class PriorityAdmission implements WritePlugin {

  private static final String PREEMPT = "PreemptLowerPriority";

  private final Store store;

  /** @param store where PriorityClasses are read */
  public PriorityAdmission(Store store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public void admitCreate(ResourceType type, ObjectNode object) throws ApiException {
    if (type != ResourceTypes.PODS) {
      return;
    }
    ObjectNode spec = Defaults.spec(object);
    String name = ObjectMeta.name(object);
    String className = spec.path("priorityClassName").asText("");
    long priority = 0;
    String policy = PREEMPT;
    if (className.isEmpty()) {
      Optional<JsonNode> dpc = PriorityClasses.globalDefault(classes());
      if (dpc.isPresent()) {
        spec.put("priorityClassName", dpc.get().path("metadata").path("name").asText());
        priority = dpc.get().path("value").asLong();
        policy = dpc.get().path("preemptionPolicy").asText(null);
      }
    } else {
      JsonNode pc = store.get(ResourceTypes.PRIORITYCLASSES.key(null, className))
          .map(kv -> (JsonNode) StoredObjects.decode(ResourceTypes.PRIORITYCLASSES, kv))
          .orElseThrow(() -> ApiException.forbidden(type, name, "no PriorityClass with name " + className
              + " was found"));
      priority = pc.path("value").asLong();
      policy = pc.path("preemptionPolicy").asText(null);
    }
    if (spec.hasNonNull("priority") && spec.path("priority").asLong() != priority) {
      throw ApiException.forbidden(type, name, "the integer value of priority (" + spec.path("priority").asLong()
          + ") must not be provided in pod spec; priority admission controller computed " + priority
          + " from the given PriorityClass name");
    }
    spec.put("priority", priority);
    if (policy != null) {
      if (spec.hasNonNull("preemptionPolicy") && !spec.path("preemptionPolicy").asText().equals(policy)) {
        throw ApiException.forbidden(type, name, "the string value of PreemptionPolicy ("
            + spec.path("preemptionPolicy").asText() + ") must not be provided in pod spec; priority admission"
            + " controller computed " + policy + " from the given PriorityClass name");
      }
      spec.put("preemptionPolicy", policy);
    }
  }

  /** A pod update that leaves the priority or policy out keeps the one admission set on create. */
  @Override
  public void prepareForUpdate(ResourceType type, ObjectNode object, ObjectNode old) {
    if (type != ResourceTypes.PODS) {
      return;
    }
    ObjectNode spec = Defaults.spec(object);
    JsonNode oldSpec = old.path("spec");
    for (String field : List.of("priority", "preemptionPolicy")) {
      if (!spec.hasNonNull(field) && oldSpec.hasNonNull(field)) {
        spec.set(field, oldSpec.get(field).deepCopy());
      }
    }
  }

  /** {@code validatePriorityClass}: at most one default class. */
  @Override
  public TxnParts beforeWrite(ResourceType type, ObjectNode object, ObjectNode old) throws ApiException {
    if (type != ResourceTypes.PRIORITYCLASSES || !object.path("globalDefault").asBoolean(false)) {
      return TxnParts.NONE;
    }
    Optional<JsonNode> dpc = PriorityClasses.globalDefault(classes());
    if (dpc.isPresent()) {
      String defaultName = dpc.get().path("metadata").path("name").asText();
      if (old == null || !defaultName.equals(ObjectMeta.name(object))) {
        throw ApiException.forbidden(type, ObjectMeta.name(object), "PriorityClass " + defaultName
            + " is already marked as default. Only one default can exist");
      }
    }
    return TxnParts.NONE;
  }

  private List<ObjectNode> classes() {
    return store.range(ResourceTypes.PRIORITYCLASSES.keyPrefix(), null, 0).kvs().stream()
        .map(kv -> StoredObjects.decode(ResourceTypes.PRIORITYCLASSES, kv))
        .toList();
  }
}
