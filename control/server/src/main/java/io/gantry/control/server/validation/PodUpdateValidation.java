package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What a Pod update may change: container images, activeDeadlineSeconds (set or shortened), tolerations
 * (additions), schedulingGates (removals) and terminationGracePeriodSeconds (to 1 from negative).
 *
 * <p>The new spec is compared after defaulting, so a field it drops (a merge patch that replaces
 * {@code containers} without their {@code args}, a {@code kubectl replace} without {@code nodeName})
 * is a change, as upstream's ValidatePodUpdate finds it.
 */
final class PodUpdateValidation {

  static final String FORBIDDEN = "pod updates may not change fields other than `spec.containers[*].image`,"
      + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing"
      + " tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

  private static final FieldPath SPEC = FieldPath.root("spec");

  private PodUpdateValidation() {}

  static void validate(JsonNode pod, JsonNode old, List<FieldError> errs) {
    JsonNode spec = Nodes.field(pod, "spec");
    JsonNode oldSpec = Nodes.field(old, "spec");
    for (String list : List.of("containers", "initContainers")) {
      if (Nodes.list(spec, list).size() != Nodes.list(oldSpec, list).size()) {
        errs.add(FieldError.forbidden(SPEC.child(list), "pod updates may not add or remove containers"));
        return;
      }
    }
    if (!deadline(spec, oldSpec, errs)) {
      return;
    }
    ObjectNode munged = spec.isObject() ? ((ObjectNode) spec).deepCopy() : JsonNodeFactory.instance.objectNode();
    for (String list : List.of("containers", "initContainers")) {
      List<JsonNode> now = Nodes.list(munged, list);
      List<JsonNode> before = Nodes.list(oldSpec, list);
      for (int i = 0; i < now.size(); i++) {
        if (now.get(i).isObject() && Nodes.present(before.get(i), "image")) {
          ((ObjectNode) now.get(i)).set("image", before.get(i).get("image"));
        }
      }
    }
    takeOld(munged, oldSpec, "activeDeadlineSeconds");
    if (containsAll(Nodes.field(spec, "tolerations"), Nodes.field(oldSpec, "tolerations"))) {
      takeOld(munged, oldSpec, "tolerations");
    }
    if (containsAll(Nodes.field(oldSpec, "schedulingGates"), Nodes.field(spec, "schedulingGates"))) {
      takeOld(munged, oldSpec, "schedulingGates");
    }
    if (Nodes.field(oldSpec, "terminationGracePeriodSeconds").asLong(0) < 0
        && Nodes.field(spec, "terminationGracePeriodSeconds").asLong(0) == 1) {
      takeOld(munged, oldSpec, "terminationGracePeriodSeconds");
    }
    List<String> changed = new ArrayList<>();
    diff(munged, oldSpec, "spec", changed);
    if (!changed.isEmpty()) {
      errs.add(FieldError.forbidden(SPEC, FORBIDDEN + "\n  changed: " + String.join(", ", changed)));
    }
  }

  /** Sets {@code field} of the munged spec to the old spec's value (or removes it), as an allowed change. */
  private static void takeOld(ObjectNode munged, JsonNode oldSpec, String field) {
    JsonNode before = Nodes.field(oldSpec, field);
    if (before.isMissingNode()) {
      munged.remove(field);
    } else {
      munged.set(field, before);
    }
  }

  /** activeDeadlineSeconds may be set or lowered, never raised or cleared; false stops further checks. */
  private static boolean deadline(JsonNode spec, JsonNode oldSpec, List<FieldError> errs) {
    FieldPath path = SPEC.child("activeDeadlineSeconds");
    JsonNode now = Nodes.field(spec, "activeDeadlineSeconds");
    JsonNode before = Nodes.field(oldSpec, "activeDeadlineSeconds");
    if (!now.isMissingNode()) {
      long v = now.asLong();
      if (v < 0 || v > Integer.MAX_VALUE) {
        errs.add(FieldError.invalid(path, v, NameRules.inclusiveRangeError(0, Integer.MAX_VALUE)));
        return false;
      }
      if (!before.isMissingNode() && before.asLong() < v) {
        errs.add(FieldError.invalid(path, v, "must be less than or equal to previous value"));
        return false;
      }
    } else if (!before.isMissingNode()) {
      errs.add(FieldError.invalid(path, null, "must not update from a positive integer to nil value"));
    }
    return true;
  }

  private static boolean containsAll(JsonNode superset, JsonNode subset) {
    List<JsonNode> all = new ArrayList<>();
    superset.forEach(all::add);
    for (JsonNode e : subset) {
      if (!all.contains(e)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Records the paths where {@code now} and {@code before} differ, as apimachinery's
   * {@code Semantic.DeepEqual} compares the Go values: a field that is absent, null or the zero value
   * ({@code false}, {@code 0}, {@code ""}, {@code []}, <code>{}</code>) equals any other of those.
   */
  private static void diff(JsonNode now, JsonNode before, String path, List<String> changed) {
    if (isZero(now) && isZero(before)) {
      return;
    }
    if (now.isObject() && before.isObject()) {
      java.util.Set<String> fields = new java.util.LinkedHashSet<>();
      now.fieldNames().forEachRemaining(fields::add);
      before.fieldNames().forEachRemaining(fields::add);
      for (String f : fields) {
        diff(now.path(f), before.path(f), path + "." + f, changed);
      }
    } else if (now.isArray() && before.isArray() && now.size() == before.size()) {
      for (int i = 0; i < now.size(); i++) {
        diff(now.get(i), before.get(i), path + "[" + i + "]", changed);
      }
    } else if (!now.equals(before)) {
      changed.add(path);
    }
  }

  private static boolean isZero(JsonNode node) {
    return node.isMissingNode() || node.isNull() || (node.isContainerNode() && node.isEmpty())
        || (node.isBoolean() && !node.asBoolean()) || (node.isNumber() && node.asDouble() == 0)
        || (node.isTextual() && node.asText().isEmpty());
  }
}
