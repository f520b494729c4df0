package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.conversion.Conversions;
import io.gantry.control.server.resource.ParsedQuantity;
import io.gantry.control.server.resource.ResourceType;
import java.util.ArrayList;
import java.util.List;

/**
 * HorizontalPodAutoscalers, as {@code ValidateHorizontalPodAutoscaler} and its Update: the target reference,
 * the replica bounds ({@code minReplicas} at least 1, the HPAScaleToZero gate being off, unless the old
 * object already had 0), each metric's source and target and the behavior's policies. Upstream validates
 * the internal type, so an autoscaling/v1 object is checked in its v2 form (its CPU target is
 * {@code spec.metrics[0].resource.target.averageUtilization}).
 */
final class HorizontalPodAutoscalerValidation {

  private static final FieldPath SPEC = FieldPath.root("spec");
  private static final int MAX_PERIOD_SECONDS = 1800;
  private static final int MAX_STABILIZATION_WINDOW_SECONDS = 3600;
  private static final List<String> METRIC_TYPES = List.of("ContainerResource", "External", "Object", "Pods",
      "Resource");

  private HorizontalPodAutoscalerValidation() {}

  static void validate(ResourceType type, ObjectNode hpa, List<FieldError> errs) {
    spec(v2(type, hpa).path("spec"), 1, errs);
  }

  static void validateUpdate(ResourceType type, ObjectNode hpa, ObjectNode old, List<FieldError> errs) {
    // the create checks ran with a lower bound of 1; an object that already scales to zero may keep doing so
    if (v2(type, old).path("spec").path("minReplicas").asInt(-1) == 0) {
      errs.removeIf(e -> e.field().equals("spec.minReplicas") && e.detail().equals("must be greater than or equal to 1"));
    }
  }

  private static JsonNode v2(ResourceType type, ObjectNode hpa) {
    return type.isView() ? Conversions.of(type).toStorage(hpa) : hpa;
  }

  private static void spec(JsonNode spec, int minReplicasLowerBound, List<FieldError> errs) {
    JsonNode min = spec.get("minReplicas");
    int max = spec.path("maxReplicas").asInt(0);
    if (min != null && min.isNumber() && min.asInt() < minReplicasLowerBound) {
      errs.add(FieldError.invalid(SPEC.child("minReplicas"), min.asInt(),
          "must be greater than or equal to " + minReplicasLowerBound));
    }
    if (max < 1) {
      errs.add(FieldError.invalid(SPEC.child("maxReplicas"), max, "must be greater than 0"));
    }
    if (min != null && min.isNumber() && max < min.asInt()) {
      errs.add(FieldError.invalid(SPEC.child("maxReplicas"), max, "must be greater than or equal to `minReplicas`"));
    }
    reference(spec.path("scaleTargetRef"), SPEC.child("scaleTargetRef"), errs);
    metrics(spec.path("metrics"), SPEC.child("metrics"), min, errs);
    JsonNode behavior = spec.get("behavior");
    if (behavior != null && behavior.isObject()) {
      rules(behavior.get("scaleUp"), SPEC.child("behavior", "scaleUp"), errs);
      rules(behavior.get("scaleDown"), SPEC.child("behavior", "scaleDown"), errs);
    }
  }

  /** ValidateCrossVersionObjectReference. */
  private static void reference(JsonNode ref, FieldPath path, List<FieldError> errs) {
    for (String field : new String[] {"kind", "name"}) {
      String value = Nodes.text(ref, field, "");
      if (value.isEmpty()) {
        errs.add(FieldError.required(path.child(field), ""));
      } else {
        NameRules.pathSegmentName(value).forEach(msg -> errs.add(FieldError.invalid(path.child(field), value, msg)));
      }
    }
  }

  private static void metrics(JsonNode metrics, FieldPath path, JsonNode minReplicas, List<FieldError> errs) {
    boolean objectOrExternal = false;
    for (int i = 0; i < metrics.size(); i++) {
      JsonNode metric = metrics.get(i);
      metric(metric, path.index(i), errs);
      String type = Nodes.text(metric, "type", "");
      objectOrExternal |= type.equals("Object") || type.equals("External");
    }
    if (minReplicas != null && minReplicas.isNumber() && minReplicas.asInt() == 0 && !objectOrExternal) {
      errs.add(FieldError.forbidden(path,
          "must specify at least one Object or External metric to support scaling to zero replicas"));
    }
  }

  /** validateMetricSpec: a known type, its source (only its source) present and valid. */
  private static void metric(JsonNode metric, FieldPath path, List<FieldError> errs) {
    String type = Nodes.text(metric, "type", "");
    if (type.isEmpty()) {
      errs.add(FieldError.required(path.child("type"), "must specify a metric source type"));
    }
    if (!METRIC_TYPES.contains(type)) {
      errs.add(FieldError.notSupported(path.child("type"), type, METRIC_TYPES));
    }
    List<String> present = new ArrayList<>();
    for (String source : new String[] {"object", "external", "pods", "resource", "containerResource"}) {
      JsonNode src = metric.get(source);
      if (src == null || !src.isObject()) {
        continue;
      }
      present.add(source);
      if (present.size() == 1) {
        source(source, src, path.child(source), errs);
      }
    }
    String expected = switch (type) {
      case "Object" -> "object";
      case "Pods" -> "pods";
      case "Resource" -> "resource";
      case "External" -> "external";
      case "ContainerResource" -> "containerResource";
      default -> null;
    };
    if (expected == null) {
      errs.add(FieldError.notSupported(path.child("type"), type, METRIC_TYPES));
    } else if (!present.contains(expected)) {
      // HPAContainerMetrics is on (GA), so a ContainerResource metric reads as the others
      errs.add(FieldError.required(path.child(expected), "must populate information for the given metric source"));
    }
    if (present.size() != 1) {
      for (String source : present) {
        if (!source.equals(expected)) {
          errs.add(FieldError.forbidden(path.child(source), "must populate the given metric source only"));
        }
      }
    }
  }

  private static void source(String source, JsonNode src, FieldPath path, List<FieldError> errs) {
    JsonNode target = src.path("target");
    FieldPath targetPath = path.child("target");
    boolean value = target.hasNonNull("value");
    boolean averageValue = target.hasNonNull("averageValue");
    boolean utilization = target.hasNonNull("averageUtilization");
    switch (source) {
      case "object" -> {
        reference(src.path("describedObject"), path.child("describedObject"), errs);
        identifier(src.path("metric"), path.child("metric"), errs);
        target(target, targetPath, errs);
        if (!value && !averageValue) {
          errs.add(FieldError.required(targetPath.child("averageValue"), "must set either a target value or averageValue"));
        }
      }
      case "external" -> {
        identifier(src.path("metric"), path.child("metric"), errs);
        target(target, targetPath, errs);
        if (!value && !averageValue) {
          errs.add(FieldError.required(targetPath.child("averageValue"),
              "must set either a target value for metric or a per-pod target"));
        }
        if (value && averageValue) {
          errs.add(FieldError.forbidden(targetPath.child("value"),
              "may not set both a target value for metric and a per-pod target"));
        }
      }
      case "pods" -> {
        identifier(src.path("metric"), path.child("metric"), errs);
        target(target, targetPath, errs);
        if (!averageValue) {
          errs.add(FieldError.required(targetPath.child("averageValue"), "must specify a positive target averageValue"));
        }
      }
      default -> { // resource, containerResource
        if (Nodes.text(src, "name", "").isEmpty()) {
          errs.add(FieldError.required(path.child("name"), "must specify a resource name"));
        }
        if (source.equals("containerResource")) {
          String container = Nodes.text(src, "container", "");
          if (container.isEmpty()) {
            errs.add(FieldError.required(path.child("container"), "must specify a container"));
          } else {
            NameRules.dns1123Label(container)
                .forEach(msg -> errs.add(FieldError.invalid(path.child("container"), container, msg)));
          }
        }
        target(target, targetPath, errs);
        if (!utilization && !averageValue) {
          errs.add(FieldError.required(targetPath.child("averageUtilization"),
              "must set either a target raw value or a target utilization"));
        }
        if (utilization && averageValue) {
          errs.add(FieldError.forbidden(targetPath.child("averageValue"),
              "may not set both a target raw value and a target utilization"));
        }
      }
    }
  }

  /** validateMetricTarget. */
  private static void target(JsonNode target, FieldPath path, List<FieldError> errs) {
    String type = Nodes.text(target, "type", "");
    if (type.isEmpty()) {
      errs.add(FieldError.required(path.child("type"), "must specify a metric target type"));
    }
    if (!type.equals("Utilization") && !type.equals("Value") && !type.equals("AverageValue")) {
      errs.add(FieldError.invalid(path.child("type"), type, "must be either Utilization, Value, or AverageValue"));
    }
    for (String field : new String[] {"value", "averageValue"}) {
      JsonNode q = target.get(field);
      if (q != null && !q.isNull() && !positive(q)) {
        errs.add(FieldError.invalid(path.child(field), q.asText(), "must be positive"));
      }
    }
    JsonNode utilization = target.get("averageUtilization");
    if (utilization != null && utilization.isNumber() && utilization.asInt() < 1) {
      errs.add(FieldError.invalid(path.child("averageUtilization"), utilization.asInt(), "must be greater than 0"));
    }
  }

  private static boolean positive(JsonNode quantity) {
    try {
      return ParsedQuantity.parse(quantity.asText()).compareTo(ParsedQuantity.ZERO) > 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** validateMetricIdentifier. */
  private static void identifier(JsonNode id, FieldPath path, List<FieldError> errs) {
    String name = Nodes.text(id, "name", "");
    if (name.isEmpty()) {
      errs.add(FieldError.required(path.child("name"), "must specify a metric name"));
    } else {
      NameRules.pathSegmentName(name).forEach(msg -> errs.add(FieldError.invalid(path.child("name"), name, msg)));
    }
  }

  /** validateScalingRules and validateScalingPolicy. */
  private static void rules(JsonNode rules, FieldPath path, List<FieldError> errs) {
    if (rules == null || !rules.isObject()) {
      return;
    }
    JsonNode window = rules.get("stabilizationWindowSeconds");
    if (window != null && window.isNumber()) {
      if (window.asInt() < 0) {
        errs.add(FieldError.invalid(path.child("stabilizationWindowSeconds"), window.asInt(),
            "must be greater than or equal to zero"));
      }
      if (window.asInt() > MAX_STABILIZATION_WINDOW_SECONDS) {
        errs.add(FieldError.invalid(path.child("stabilizationWindowSeconds"), window.asInt(),
            "must be less than or equal to " + MAX_STABILIZATION_WINDOW_SECONDS));
      }
    }
    String select = Nodes.text(rules, "selectPolicy", null);
    if (select != null && !List.of("Disabled", "Max", "Min").contains(select)) {
      errs.add(FieldError.notSupported(path.child("selectPolicy"), select, List.of("Disabled", "Max", "Min")));
    }
    FieldPath policiesPath = path.child("policies");
    JsonNode policies = rules.path("policies");
    if (policies.isEmpty()) {
      errs.add(FieldError.required(policiesPath, "must specify at least one Policy"));
    }
    for (int i = 0; i < policies.size(); i++) {
      JsonNode policy = policies.get(i);
      FieldPath p = policiesPath.index(i);
      String type = Nodes.text(policy, "type", "");
      if (!type.equals("Pods") && !type.equals("Percent")) {
        errs.add(FieldError.notSupported(p.child("type"), type, List.of("Percent", "Pods")));
      }
      int value = policy.path("value").asInt(0);
      if (value <= 0) {
        errs.add(FieldError.invalid(p.child("value"), value, "must be greater than zero"));
      }
      int period = policy.path("periodSeconds").asInt(0);
      if (period <= 0) {
        errs.add(FieldError.invalid(p.child("periodSeconds"), period, "must be greater than zero"));
      }
      if (period > MAX_PERIOD_SECONDS) {
        errs.add(FieldError.invalid(p.child("periodSeconds"), period,
            "must be less than or equal to " + MAX_PERIOD_SECONDS));
      }
    }
  }
}
