package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * node.k8s.io/v1 RuntimeClasses, as {@code ValidateRuntimeClass} and {@code ValidateRuntimeClassUpdate}:
 * the handler is a DNS label and never changes, {@code overhead.podFixed} is checked as a container's
 * limits are, and {@code scheduling} holds a valid label map and tolerations, none listed twice.
 */
final class RuntimeClassValidation {
  private static final FieldPath HANDLER = FieldPath.root("handler");
  private static final FieldPath OVERHEAD = FieldPath.root("overhead");
  private static final FieldPath SCHEDULING = FieldPath.root("scheduling");

  private RuntimeClassValidation() {}

  static void validate(JsonNode runtimeClass, List<FieldError> errs) {
    String handler = Nodes.text(runtimeClass, "handler", "");
    NameRules.dns1123Label(handler).forEach(msg -> errs.add(FieldError.invalid(HANDLER, handler, msg)));
    JsonNode overhead = Nodes.field(runtimeClass, "overhead");
    if (overhead.isObject()) {
      // validateOverhead reuses ValidateContainerResourceRequirements on {Limits: podFixed}
      ObjectNode requirements = JsonNodeFactory.instance.objectNode();
      requirements.set("limits", Nodes.field(overhead, "podFixed"));
      ContainerValidation.resources(requirements, OVERHEAD, errs);
    }
    JsonNode scheduling = Nodes.field(runtimeClass, "scheduling");
    if (scheduling.isObject()) {
      JsonNode selector = Nodes.field(scheduling, "nodeSelector");
      if (selector.isObject()) {
        MetadataValidation.validateLabels(selector, SCHEDULING.child("nodeSelector"), errs);
      }
      tolerations(Nodes.list(scheduling, "tolerations"), SCHEDULING.child("tolerations"), errs);
    }
  }

  static void validateUpdate(JsonNode runtimeClass, JsonNode old, List<FieldError> errs) {
    MetadataValidation.immutable(HANDLER, Nodes.text(runtimeClass, "handler", ""), Nodes.text(old, "handler", ""), errs);
  }

  /** Each toleration valid, and no two alike in key, operator, value and effect (its list keys). */
  private static void tolerations(List<JsonNode> tolerations, FieldPath path, List<FieldError> errs) {
    PodSpecValidation.tolerations(tolerations, path, errs);
    List<List<String>> seen = new ArrayList<>();
    for (int i = 0; i < tolerations.size(); i++) {
      JsonNode t = tolerations.get(i);
      List<String> key = List.of(Nodes.text(t, "key", ""), Nodes.text(t, "operator", ""), Nodes.text(t, "value", ""),
          Nodes.text(t, "effect", ""));
      if (seen.contains(key)) {
        errs.add(FieldError.duplicate(path.index(i), new GoLiteral(toleration(t))));
      } else {
        seen.add(key);
      }
    }
  }

  /** The duplicate as Go's %#v prints a core.Toleration (a pointer's address shown as "(...)"). */
  private static String toleration(JsonNode t) {
    return "core.Toleration{Key:\"" + Nodes.text(t, "key", "") + "\", Operator:\"" + Nodes.text(t, "operator", "")
        + "\", Value:\"" + Nodes.text(t, "value", "") + "\", Effect:\"" + Nodes.text(t, "effect", "")
        + "\", TolerationSeconds:" + (Nodes.present(t, "tolerationSeconds") ? "(*int64)(...)" : "(*int64)(nil)") + "}";
  }
}
