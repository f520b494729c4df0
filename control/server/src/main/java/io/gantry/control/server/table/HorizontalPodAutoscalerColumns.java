package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.conversion.Conversions;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * HorizontalPodAutoscalers, after {@code printHorizontalPodAutoscaler}: the target as {@code Kind/name}, each
 * metric as {@code current/target} ({@code cpu: <unknown>/80%} before any is measured, at most two then
 * {@code + N more...}), the bounds and the current replicas. Upstream prints the internal object, so a v1
 * object is printed in its v2 form.
 */
final class HorizontalPodAutoscalerColumns implements ColumnSet {

  static final HorizontalPodAutoscalerColumns INSTANCE = new HorizontalPodAutoscalerColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Reference", "reference to scaled resource; horizontal pod autoscaler will learn the current "
          + "resource consumption and will set the desired number of pods by using its Scale subresource."),
      Column.string("Targets", "metrics contains the specifications for which to use to calculate the desired "
          + "replica count (the maximum replica count across all metrics will be used)."),
      Column.string("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler "
          + "can scale down."),
      Column.integer("MaxPods", "maxReplicas is the upper limit for the number of pods that can be set by the "
          + "autoscaler; cannot be smaller than MinReplicas."),
      Column.integer("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler."),
      Column.ageColumn());

  private HorizontalPodAutoscalerColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode hpa, Instant now) {
    JsonNode v2 = "autoscaling/v1".equals(hpa.path("apiVersion").asText())
        ? Conversions.of(ResourceTypes.HORIZONTALPODAUTOSCALERS_V1).toStorage(hpa) : hpa;
    JsonNode spec = v2.path("spec");
    String reference = spec.path("scaleTargetRef").path("kind").asText("") + "/"
        + spec.path("scaleTargetRef").path("name").asText("");
    String minPods = spec.path("minReplicas").isNumber() ? Integer.toString(spec.get("minReplicas").asInt()) : "<unset>";
    return List.of(Fields.name(hpa), reference, targets(spec.path("metrics"), v2.path("status").path("currentMetrics")),
        minPods, spec.path("maxReplicas").asLong(0), v2.path("status").path("currentReplicas").asLong(0),
        Fields.age(hpa, now));
  }

  /** formatHPAMetrics. */
  static String targets(JsonNode specs, JsonNode statuses) {
    if (specs.isEmpty()) {
      return "<none>";
    }
    List<String> list = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      JsonNode spec = specs.get(i);
      JsonNode status = i < statuses.size() ? statuses.get(i) : null;
      list.add(switch (spec.path("type").asText("")) {
        case "External" -> valueOrAverage(spec.path("external").path("target"), current(status, "external"));
        case "Object" -> valueOrAverage(spec.path("object").path("target"), current(status, "object"));
        case "Pods" -> orUnknown(current(status, "pods"), "averageValue") + "/"
            + quantity(spec.path("pods").path("target").path("averageValue"));
        case "Resource" -> resource(spec.path("resource"), current(status, "resource"));
        case "ContainerResource" -> resource(spec.path("containerResource"), current(status, "containerResource"));
        default -> "<unknown type>";
      });
    }
    int max = 2;
    if (list.size() > max) {
      return String.join(", ", list.subList(0, max)) + " + " + (list.size() - max) + " more...";
    }
    return String.join(", ", list);
  }

  private static JsonNode current(JsonNode status, String source) {
    if (status == null || !status.path(source).isObject()) {
      return null;
    }
    return status.path(source).path("current");
  }

  private static String valueOrAverage(JsonNode target, JsonNode current) {
    if (target.hasNonNull("averageValue")) {
      return orUnknown(current, "averageValue") + "/" + quantity(target.get("averageValue")) + " (avg)";
    }
    return orUnknown(current, "value") + "/" + quantity(target.path("value"));
  }

  private static String resource(JsonNode source, JsonNode current) {
    String name = source.path("name").asText("");
    JsonNode target = source.path("target");
    if (target.hasNonNull("averageValue")) {
      return name + ": " + orUnknown(current, "averageValue") + "/" + quantity(target.get("averageValue"));
    }
    String now = current != null && current.path("averageUtilization").isNumber()
        ? current.get("averageUtilization").asInt() + "%" : "<unknown>";
    String goal = target.path("averageUtilization").isNumber() ? target.get("averageUtilization").asInt() + "%"
        : "<auto>";
    return name + ": " + now + "/" + goal;
  }

  private static String orUnknown(JsonNode current, String field) {
    return current == null ? "<unknown>" : quantity(current.path(field));
  }

  private static String quantity(JsonNode quantity) {
    return quantity.isMissingNode() || quantity.isNull() ? "0" : quantity.asText();
  }
}
