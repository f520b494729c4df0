package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.selector.LabelSelector;
import java.util.List;

/** A {@code metav1.LabelSelector} object: matchLabels syntax and matchExpressions operators and values. */
final class SelectorValidation {

  private SelectorValidation() {}

  static void validate(JsonNode selector, FieldPath path, List<FieldError> errs) {
    if (selector.isMissingNode()) {
      return;
    }
    MetadataValidation.validateLabels(Nodes.field(selector, "matchLabels"), path.child("matchLabels"), errs);
    List<JsonNode> exprs = Nodes.list(selector, "matchExpressions");
    for (int i = 0; i < exprs.size(); i++) {
      requirement(exprs.get(i), path.child("matchExpressions").index(i), errs);
    }
  }

  private static void requirement(JsonNode expr, FieldPath path, List<FieldError> errs) {
    String operator = Nodes.text(expr, "operator", "");
    List<String> values = Nodes.strings(Nodes.field(expr, "values"));
    switch (operator) {
      case "In", "NotIn" -> {
        if (values.isEmpty()) {
          errs.add(FieldError.required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
        }
      }
      case "Exists", "DoesNotExist" -> {
        if (!values.isEmpty()) {
          errs.add(FieldError.forbidden(path.child("values"),
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
      }
      default -> errs.add(FieldError.invalid(path.child("operator"), operator, "not a valid selector operator"));
    }
    String key = Nodes.text(expr, "key", "");
    for (String msg : NameRules.qualifiedName(key)) {
      errs.add(FieldError.invalid(path.child("key"), key, msg));
    }
    for (int i = 0; i < values.size(); i++) {
      for (String msg : NameRules.labelValue(values.get(i))) {
        errs.add(FieldError.invalid(path.child("values").index(i), values.get(i), msg));
      }
    }
  }

  /**
   * A workload's required, non-empty {@code spec.selector}, as ValidateDeploymentSpec and
   * ValidateStatefulSetSpec check it: Required when missing, the selector's own errors, {@code empty
   * selector is invalid for KIND}; returns it parsed, or null when it is missing, invalid or cannot be
   * parsed ({@code unparsable} is that error's detail, which differs by kind upstream).
   */
  static LabelSelector required(JsonNode selector, FieldPath path, String kind, String unparsable,
      List<FieldError> errs) {
    if (selector.isMissingNode() || selector.isNull()) {
      errs.add(FieldError.required(path, ""));
      return null;
    }
    int before = errs.size();
    validate(selector, path, errs);
    if (isEmpty(selector)) {
      errs.add(FieldError.invalid(path, GoFormat.labelSelector(selector), "empty selector is invalid for " + kind));
    }
    if (errs.size() > before) {
      return null;
    }
    try {
      return LabelSelector.fromJson(selector);
    } catch (IllegalArgumentException e) {
      errs.add(FieldError.invalid(path, GoFormat.labelSelector(selector), unparsable));
      return null;
    }
  }

  /** Whether a selector object selects nothing in particular (no labels, no expressions). */
  static boolean isEmpty(JsonNode selector) {
    return Nodes.field(selector, "matchLabels").isEmpty() && Nodes.field(selector, "matchExpressions").isEmpty();
  }
}
