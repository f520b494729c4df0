package io.gantry.control.server.controller.podautoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * How one metric of an autoscaler fails when no metrics API is served: the reason of its Warning event and
 * {@code ScalingActive} condition, the event's text ({@code detail}) and the error {@code computeReplicasForMetric}
 * wraps it in ({@code error}), as upstream's computeStatusFor*Metric. Resource and container-resource texts are
 * upstream's; for pods, object and external metrics only the reason and the outer wording are.
 */
record MetricFailure(String reason, String detail, String error) {

  static MetricFailure of(JsonNode metric) {
    String type = metric.path("type").asText("");
    switch (type) {
      case "Resource", "ContainerResource" -> {
        JsonNode source = metric.path(type.equals("Resource") ? "resource" : "containerResource");
        String resource = source.path("name").asText("");
        // an averageValue target asks for raw usage, otherwise utilization
        String what = source.path("target").has("averageValue") ? "usage" : "utilization";
        String detail = "failed to get " + resource + " " + what + ": unable to get metrics for resource " + resource
            + ": " + HorizontalPodAutoscalerController.NO_METRICS_API;
        return type.equals("Resource")
            ? new MetricFailure("FailedGetResourceMetric", detail,
                "failed to get " + resource + " resource metric value: " + detail)
            : new MetricFailure("FailedGetContainerResourceMetric", detail,
                "failed to get " + resource + " container metric value: " + detail);
      }
      case "Pods", "Object", "External" -> {
        String lower = type.toLowerCase(Locale.ROOT);
        String name = metric.path(lower.equals("pods") ? "pods" : lower).path("metric").path("name").asText("");
        String detail = "unable to get metric " + name + ": no " + (type.equals("External") ? "external" : "custom")
            + " metrics API is served";
        return new MetricFailure("FailedGet" + type + "Metric", detail,
            "failed to get " + lower + " metric value: " + detail);
      }
      default -> {
        String detail = "unknown metric source type \"" + type + "\"";
        return new MetricFailure("InvalidMetricSourceType", detail, detail);
      }
    }
  }
}
