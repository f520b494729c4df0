package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.selector.LabelSelector;
import java.util.List;

/** Deployment and ReplicaSet specs: replicas, selector against template labels, strategy, history limits. */
final class DeploymentValidation {

  private static final FieldPath SPEC = FieldPath.root("spec");

  private DeploymentValidation() {}

  static void validateDeployment(JsonNode deployment, List<FieldError> errs) {
    JsonNode spec = Nodes.field(deployment, "spec");
    nonNegative(spec, "replicas", errs);
    selectorAndTemplate(spec, errs);
    strategy(Nodes.field(spec, "strategy"), SPEC.child("strategy"), errs);
    nonNegative(spec, "minReadySeconds", errs);
    nonNegative(spec, "revisionHistoryLimit", errs);
    JsonNode progress = Nodes.field(spec, "progressDeadlineSeconds");
    if (!progress.isMissingNode()) {
      nonNegative(spec, "progressDeadlineSeconds", errs);
      if (progress.asLong() <= Nodes.field(spec, "minReadySeconds").asLong(0)) {
        errs.add(FieldError.invalid(SPEC.child("progressDeadlineSeconds"), progress.asLong(),
            "must be greater than minReadySeconds"));
      }
    }
  }

  static void validateReplicaSet(JsonNode replicaSet, List<FieldError> errs) {
    JsonNode spec = Nodes.field(replicaSet, "spec");
    nonNegative(spec, "replicas", errs);
    nonNegative(spec, "minReadySeconds", errs);
    selectorAndTemplate(spec, errs);
  }

  /** apps/v1 selectors are immutable. */
  static void validateUpdate(JsonNode object, JsonNode old, List<FieldError> errs) {
    JsonNode now = Nodes.path(object, "spec", "selector");
    JsonNode before = Nodes.path(old, "spec", "selector");
    if (!now.equals(before)) {
      errs.add(FieldError.invalid(SPEC.child("selector"), GoFormat.labelSelector(now), "field is immutable"));
    }
  }

  private static void selectorAndTemplate(JsonNode spec, List<FieldError> errs) {
    JsonNode selector = Nodes.field(spec, "selector");
    FieldPath selectorPath = SPEC.child("selector");
    LabelSelector parsed = SelectorValidation.required(selector, selectorPath, "deployment", "invalid label selector", errs);
    JsonNode template = Nodes.field(spec, "template");
    FieldPath templatePath = SPEC.child("template");
    replicaTemplate(template, parsed, templatePath, errs);
    JsonNode deadline = Nodes.path(template, "spec", "activeDeadlineSeconds");
    if (!deadline.isMissingNode()) {
      errs.add(FieldError.invalid(templatePath.child("spec", "activeDeadlineSeconds"), deadline.asLong(),
          "activeDeadlineSeconds in ReplicaSet is not Supported"));
    }
  }

  /**
   * The pod template of a replicated workload: its labels match a non-empty {@code selector} (null
   * when it did not parse), it is a valid template, and its pods always restart.
   */
  static void replicaTemplate(JsonNode template, LabelSelector selector, FieldPath templatePath,
      List<FieldError> errs) {
    if (selector != null && !selector.isEmpty()) {
      JsonNode labels = Nodes.path(template, "metadata", "labels");
      if (!selector.matches(labels)) {
        errs.add(FieldError.invalid(templatePath.child("metadata", "labels"),
            labels.isObject() ? Nodes.stringMap(labels) : new GoLiteral("map[string]string(nil)"),
            "`selector` does not match template `labels`"));
      }
    }
    PodSpecValidation.validateTemplate(template, templatePath, errs);
    String restartPolicy = Nodes.text(Nodes.field(template, "spec"), "restartPolicy", "Always");
    if (!restartPolicy.equals("Always")) {
      errs.add(FieldError.notSupported(templatePath.child("spec", "restartPolicy"), restartPolicy, List.of("Always")));
    }
  }

  private static void strategy(JsonNode strategy, FieldPath path, List<FieldError> errs) {
    String type = Nodes.text(strategy, "type", "RollingUpdate");
    JsonNode rolling = Nodes.field(strategy, "rollingUpdate");
    switch (type) {
      case "Recreate" -> {
        if (!rolling.isMissingNode()) {
          errs.add(FieldError.forbidden(path.child("rollingUpdate"),
              "may not be specified when strategy `type` is 'Recreate'"));
        }
      }
      case "RollingUpdate" -> rollingUpdate(rolling, path.child("rollingUpdate"), errs);
      default -> errs.add(FieldError.notSupported(path, strategyLiteral(type, rolling), List.of("Recreate", "RollingUpdate")));
    }
  }

  /**
   * The strategy as upstream prints it ({@code %#v} of the struct). Go would print a set rollingUpdate pointer
   * as an address; its contents are shown instead.
   */
  private static GoLiteral strategyLiteral(String type, JsonNode rolling) {
    String ru = rolling.isMissingNode() ? "(*apps.RollingUpdateDeployment)(nil)"
        : "&apps.RollingUpdateDeployment{MaxUnavailable:" + GoFormat.intOrString(Nodes.field(rolling, "maxUnavailable"))
            + ", MaxSurge:" + GoFormat.intOrString(Nodes.field(rolling, "maxSurge")) + "}";
    return new GoLiteral("apps.DeploymentStrategy{Type:" + GoFormat.quote(type) + ", RollingUpdate:" + ru + "}");
  }

  /** Absent values default to 25%; both may not be zero, maxUnavailable may not exceed 100%. */
  private static void rollingUpdate(JsonNode rolling, FieldPath path, List<FieldError> errs) {
    JsonNode maxUnavailable = Nodes.field(rolling, "maxUnavailable");
    JsonNode maxSurge = Nodes.field(rolling, "maxSurge");
    IntOrPercent.validate(maxUnavailable, path.child("maxUnavailable"), errs);
    IntOrPercent.validate(maxSurge, path.child("maxSurge"), errs);
    if (IntOrPercent.isZero(maxUnavailable) && IntOrPercent.isZero(maxSurge)) {
      errs.add(FieldError.invalid(path.child("maxUnavailable"), GoFormat.intOrString(maxUnavailable),
          "may not be 0 when `maxSurge` is 0"));
    }
    IntOrPercent.notMoreThan100Percent(maxUnavailable, path.child("maxUnavailable"), errs);
  }

  static void nonNegative(JsonNode spec, String field, List<FieldError> errs) {
    JsonNode v = Nodes.field(spec, field);
    if (!v.isMissingNode() && (!v.isIntegralNumber() || v.asLong() < 0)) {
      errs.add(FieldError.invalid(SPEC.child(field), Nodes.badValue(v),
          v.isIntegralNumber() ? "must be greater than or equal to 0" : "must be an integer"));
    }
  }
}
