package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * scheduling.k8s.io/v1 PriorityClasses, as {@code ValidatePriorityClass} and
 * {@code ValidatePriorityClassUpdate}: names starting {@code system-} are the two system classes with
 * their values only, other classes' values are at most one billion, the preemption policy is known, and
 * neither the value nor the policy changes.
 */
final class PriorityClassValidation {
  /** scheduling.HighestUserDefinablePriority. */
  static final long HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000L;
  private static final Map<String, Long> SYSTEM = Map.of(
      "system-node-critical", 2_000_001_000L, "system-cluster-critical", 2_000_000_000L);
  private static final FieldPath VALUE = FieldPath.root("value");
  private static final FieldPath POLICY = FieldPath.root("preemptionPolicy");

  private PriorityClassValidation() {}

  static void validate(JsonNode pc, List<FieldError> errs) {
    String name = Nodes.text(Nodes.field(pc, "metadata"), "name", "");
    long value = Nodes.field(pc, "value").asLong(0);
    if (name.startsWith("system-")) {
      String why = systemClassError(name, value, Nodes.field(pc, "globalDefault").asBoolean(false));
      if (why != null) {
        errs.add(FieldError.forbidden(FieldPath.root("metadata").child("name"), "priority class names with"
            + " 'system-' prefix are reserved for system use only. error: " + why));
      }
    } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
      errs.add(FieldError.forbidden(VALUE, "maximum allowed value of a user defined priority is "
          + HIGHEST_USER_DEFINABLE_PRIORITY));
    }
    JsonNode policy = Nodes.field(pc, "preemptionPolicy");
    if (policy.isTextual()) {
      switch (policy.asText()) {
        case "PreemptLowerPriority", "Never" -> { }
        case "" -> errs.add(FieldError.required(POLICY, ""));
        default -> errs.add(FieldError.notSupported(POLICY, policy.asText(), List.of("PreemptLowerPriority", "Never")));
      }
    }
  }

  static void validateUpdate(JsonNode pc, JsonNode old, List<FieldError> errs) {
    if (Nodes.field(pc, "value").asLong(0) != Nodes.field(old, "value").asLong(0)) {
      errs.add(FieldError.forbidden(VALUE, "may not be changed in an update."));
    }
    JsonNode policy = Nodes.field(pc, "preemptionPolicy");
    MetadataValidation.immutable(POLICY, policy.isTextual() ? policy.asText() : null,
        Nodes.field(old, "preemptionPolicy").isTextual() ? Nodes.field(old, "preemptionPolicy").asText() : null, errs);
  }

  /** {@code IsKnownSystemPriorityClass}: why this is not one of the system classes, or null. */
  private static String systemClassError(String name, long value, boolean globalDefault) {
    Long known = SYSTEM.get(name);
    if (known == null) {
      return name + " is not a known system priority class";
    }
    if (known != value) {
      return "value of " + name + " PriorityClass must be " + known;
    }
    if (globalDefault) {
      return "globalDefault of " + name + " PriorityClass must be false";
    }
    return null;
  }
}
