package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.selector.LabelSelector;
import java.util.List;

/**
 * apps/v1 DaemonSets, as upstream's {@code ValidateDaemonSet}, {@code ValidateDaemonSetSpec},
 * {@code ValidateDaemonSetUpdateStrategy}, {@code ValidateRollingUpdateDaemonSet} and
 * {@code validateDaemonSetStatus}; on update the selector is immutable (the strategy's
 * {@code ValidateImmutableField}) and {@code status.collisionCount} may not go down
 * ({@code ValidateDaemonSetStatusUpdate}). A missing selector selects nothing, as
 * {@code LabelSelectorAsSelector(nil)}, so it fails as not matching the template's labels.
 */
final class DaemonSetValidation {

  private static final FieldPath SPEC = FieldPath.root("spec");
  private static final FieldPath STATUS = FieldPath.root("status");

  private DaemonSetValidation() {}

  static void validate(JsonNode daemonSet, List<FieldError> errs) {
    JsonNode spec = Nodes.field(daemonSet, "spec");
    JsonNode selector = Nodes.field(spec, "selector");
    FieldPath selectorPath = SPEC.child("selector");
    JsonNode template = Nodes.field(spec, "template");
    FieldPath templatePath = SPEC.child("template");
    LabelSelector parsed = null;
    if (!selector.isMissingNode() && !selector.isNull()) {
      int before = errs.size();
      SelectorValidation.validate(selector, selectorPath, errs);
      if (errs.size() == before) {
        try {
          parsed = LabelSelector.fromJson(selector);
        } catch (IllegalArgumentException e) {
          parsed = null;
        }
      }
    }
    boolean parseable = parsed != null || selector.isMissingNode() || selector.isNull();
    JsonNode labels = Nodes.path(template, "metadata", "labels");
    if (parseable && (parsed == null || !parsed.matches(labels))) {
      errs.add(FieldError.invalid(templatePath.child("metadata", "labels"),
          labels.isObject() ? Nodes.stringMap(labels) : new GoLiteral("map[string]string(nil)"),
          "`selector` does not match template `labels`"));
    }
    if (!selector.isMissingNode() && !selector.isNull() && SelectorValidation.isEmpty(selector)) {
      errs.add(FieldError.invalid(selectorPath, GoFormat.labelSelector(selector), "empty selector is invalid for daemonset"));
    }
    PodSpecValidation.validateTemplate(template, templatePath, errs);
    String restartPolicy = Nodes.text(Nodes.field(template, "spec"), "restartPolicy", "Always");
    if (!restartPolicy.equals("Always")) {
      errs.add(FieldError.notSupported(templatePath.child("spec", "restartPolicy"), restartPolicy, List.of("Always")));
    }
    if (Nodes.present(Nodes.field(template, "spec"), "activeDeadlineSeconds")) {
      errs.add(FieldError.forbidden(templatePath.child("spec", "activeDeadlineSeconds"),
          "activeDeadlineSeconds in DaemonSet is not Supported"));
    }
    DeploymentValidation.nonNegative(spec, "minReadySeconds", errs);
    updateStrategy(Nodes.field(spec, "updateStrategy"), SPEC.child("updateStrategy"), errs);
    DeploymentValidation.nonNegative(spec, "revisionHistoryLimit", errs);
    status(Nodes.field(daemonSet, "status"), errs);
  }

  /** The selector may not change; {@code status.collisionCount} may not be decremented. */
  static void validateUpdate(JsonNode object, JsonNode old, List<FieldError> errs) {
    DeploymentValidation.validateUpdate(object, old, errs);
    JsonNode before = Nodes.path(old, "status", "collisionCount");
    JsonNode now = Nodes.path(object, "status", "collisionCount");
    if (before.isIntegralNumber() && (!now.isIntegralNumber() || now.asLong() < before.asLong())) {
      errs.add(FieldError.invalid(STATUS.child("collisionCount"), now.isIntegralNumber() ? now.asLong() : 0,
          "cannot be decremented"));
    }
  }

  private static void updateStrategy(JsonNode strategy, FieldPath path, List<FieldError> errs) {
    String type = Nodes.text(strategy, "type", "");
    JsonNode rolling = Nodes.field(strategy, "rollingUpdate");
    switch (type) {
      case "OnDelete" -> { }
      case "RollingUpdate" -> {
        if (rolling.isMissingNode() || rolling.isNull()) {
          errs.add(FieldError.required(path.child("rollingUpdate"), ""));
        } else {
          rollingUpdate(rolling, path.child("rollingUpdate"), errs);
        }
      }
      default -> errs.add(FieldError.notSupported(path, strategyLiteral(type, rolling), List.of("RollingUpdate", "OnDelete")));
    }
  }

  /** The strategy as {@code %#v} prints it, the rollingUpdate pointer shown by its contents. */
  private static GoLiteral strategyLiteral(String type, JsonNode rolling) {
    String ru = rolling.isMissingNode() || rolling.isNull() ? "(*apps.RollingUpdateDaemonSet)(nil)"
        : "&apps.RollingUpdateDaemonSet{MaxUnavailable:" + GoFormat.intOrString(Nodes.field(rolling, "maxUnavailable"))
            + ", MaxSurge:" + GoFormat.intOrString(Nodes.field(rolling, "maxSurge")) + "}";
    return new GoLiteral("apps.DaemonSetUpdateStrategy{Type:" + GoFormat.quote(type) + ", RollingUpdate:" + ru + "}");
  }

  /** ValidateRollingUpdateDaemonSet: each an int or percent of at most 100%, exactly one non-zero. */
  private static void rollingUpdate(JsonNode rolling, FieldPath path, List<FieldError> errs) {
    JsonNode maxUnavailable = Nodes.field(rolling, "maxUnavailable");
    JsonNode maxSurge = Nodes.field(rolling, "maxSurge");
    IntOrPercent.validate(maxUnavailable, path.child("maxUnavailable"), errs);
    IntOrPercent.validate(maxSurge, path.child("maxSurge"), errs);
    IntOrPercent.notMoreThan100Percent(maxUnavailable, path.child("maxUnavailable"), errs);
    IntOrPercent.notMoreThan100Percent(maxSurge, path.child("maxSurge"), errs);
    boolean hasUnavailable = intOrPercentValue(maxUnavailable) != 0;
    boolean hasSurge = intOrPercentValue(maxSurge) != 0;
    if (hasUnavailable && hasSurge) {
      errs.add(FieldError.invalid(path.child("maxSurge"), GoFormat.intOrString(maxSurge),
          "may not be set when maxUnavailable is non-zero"));
    } else if (!hasUnavailable && !hasSurge) {
      errs.add(FieldError.required(path.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
    }
  }

  /** Upstream's getIntOrPercentValue: a percentage's number, an integer, or a string's Atoi (0 when none). */
  private static long intOrPercentValue(JsonNode value) {
    if (value.isMissingNode() || value.isNull()) {
      return 0;
    }
    if (value.isTextual()) {
      String text = value.asText();
      String digits = text.endsWith("%") ? text.substring(0, text.length() - 1) : text;
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return value.asLong();
  }

  private static void status(JsonNode status, List<FieldError> errs) {
    for (String field : List.of("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled",
        "numberReady", "observedGeneration", "updatedNumberScheduled", "numberAvailable", "numberUnavailable",
        "collisionCount")) {
      JobValidation.nonNegative(status, field, STATUS, errs);
    }
  }
}
