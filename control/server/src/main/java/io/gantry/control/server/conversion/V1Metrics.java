package io.gantry.control.server.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One metric, spec or status, between autoscaling/v2's form and the form autoscaling/v1 keeps in its
 * annotations (v1's MetricSpec and MetricStatus, the v2beta1 shape: {@code metricName},
 * {@code targetAverageValue}), as upstream's per-source conversion functions. v1's non-pointer quantities
 * are written {@code "0"} when v2 has none, as Go encodes a zero Quantity.
 */
final class V1Metrics {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** The two sources whose v1 and v2 forms differ only by the container the second names. */
  private static final String[] RESOURCE_KINDS = {"resource", "containerResource"};

  private V1Metrics() {}

  static ObjectNode specToV1(JsonNode metric) {
    ObjectNode out = NODES.objectNode();
    out.put("type", metric.path("type").asText(""));
    if (metric.get("object") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("object");
      put(o, "target", src.get("describedObject"));
      put(o, "metricName", src.path("metric").get("name"));
      o.set("targetValue", quantity(src.path("target").get("value")));
      put(o, "selector", src.path("metric").get("selector"));
      put(o, "averageValue", src.path("target").get("averageValue"));
    }
    if (metric.get("pods") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("pods");
      put(o, "metricName", src.path("metric").get("name"));
      o.set("targetAverageValue", quantity(src.path("target").get("averageValue")));
      put(o, "selector", src.path("metric").get("selector"));
    }
    for (String kind : RESOURCE_KINDS) {
      if (metric.get(kind) instanceof ObjectNode src) {
        ObjectNode o = out.putObject(kind);
        put(o, "name", src.get("name"));
        put(o, "targetAverageUtilization", src.path("target").get("averageUtilization"));
        put(o, "targetAverageValue", src.path("target").get("averageValue"));
        put(o, "container", src.get("container"));
      }
    }
    if (metric.get("external") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("external");
      put(o, "metricName", src.path("metric").get("name"));
      put(o, "metricSelector", src.path("metric").get("selector"));
      put(o, "targetValue", src.path("target").get("value"));
      put(o, "targetAverageValue", src.path("target").get("averageValue"));
    }
    return out;
  }

  static ObjectNode specToV2(JsonNode metric) {
    ObjectNode out = NODES.objectNode();
    out.put("type", metric.path("type").asText(""));
    if (metric.get("object") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("object");
      put(o, "describedObject", src.get("target"));
      o.set("target", target(src.hasNonNull("averageValue") ? "AverageValue" : "Value",
          src.get("targetValue") == null ? NODES.textNode("0") : src.get("targetValue"), src.get("averageValue"), null));
      o.set("metric", identifier(src.get("metricName"), src.get("selector")));
    }
    if (metric.get("pods") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("pods");
      o.set("metric", identifier(src.get("metricName"), src.get("selector")));
      o.set("target", target("AverageValue", null, quantity(src.get("targetAverageValue")), null));
    }
    for (String kind : RESOURCE_KINDS) {
      if (metric.get(kind) instanceof ObjectNode src) {
        ObjectNode o = out.putObject(kind);
        put(o, "name", src.get("name"));
        JsonNode utilization = src.get("targetAverageUtilization");
        o.set("target", target(utilization != null && !utilization.isNull() ? "Utilization" : "AverageValue", null,
            src.get("targetAverageValue"), utilization));
        put(o, "container", src.get("container"));
      }
    }
    if (metric.get("external") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("external");
      o.set("metric", identifier(src.get("metricName"), src.get("metricSelector")));
      o.set("target", target(src.hasNonNull("targetValue") ? "Value" : "AverageValue", src.get("targetValue"),
          src.get("targetAverageValue"), null));
    }
    return out;
  }

  static ObjectNode statusToV1(JsonNode metric) {
    ObjectNode out = NODES.objectNode();
    out.put("type", metric.path("type").asText(""));
    if (metric.get("object") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("object");
      put(o, "target", src.get("describedObject"));
      put(o, "metricName", src.path("metric").get("name"));
      o.set("currentValue", quantity(src.path("current").get("value")));
      put(o, "selector", src.path("metric").get("selector"));
      put(o, "averageValue", src.path("current").get("averageValue"));
    }
    if (metric.get("pods") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("pods");
      put(o, "metricName", src.path("metric").get("name"));
      o.set("currentAverageValue", quantity(src.path("current").get("averageValue")));
      put(o, "selector", src.path("metric").get("selector"));
    }
    for (String kind : RESOURCE_KINDS) {
      if (metric.get(kind) instanceof ObjectNode src) {
        ObjectNode o = out.putObject(kind);
        put(o, "name", src.get("name"));
        put(o, "currentAverageUtilization", src.path("current").get("averageUtilization"));
        o.set("currentAverageValue", quantity(src.path("current").get("averageValue")));
        put(o, "container", src.get("container"));
      }
    }
    if (metric.get("external") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("external");
      put(o, "metricName", src.path("metric").get("name"));
      put(o, "metricSelector", src.path("metric").get("selector"));
      o.set("currentValue", quantity(src.path("current").get("value")));
      put(o, "currentAverageValue", src.path("current").get("averageValue"));
    }
    return out;
  }

  static ObjectNode statusToV2(JsonNode metric) {
    ObjectNode out = NODES.objectNode();
    out.put("type", metric.path("type").asText(""));
    if (metric.get("object") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("object");
      o.set("metric", identifier(src.get("metricName"), src.get("selector")));
      o.set("current", current(quantity(src.get("currentValue")), src.get("averageValue"), null));
      put(o, "describedObject", src.get("target"));
    }
    if (metric.get("pods") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("pods");
      o.set("metric", identifier(src.get("metricName"), src.get("selector")));
      o.set("current", current(null, quantity(src.get("currentAverageValue")), null));
    }
    for (String kind : RESOURCE_KINDS) {
      if (metric.get(kind) instanceof ObjectNode src) {
        ObjectNode o = out.putObject(kind);
        put(o, "name", src.get("name"));
        o.set("current", current(null, quantity(src.get("currentAverageValue")), src.get("currentAverageUtilization")));
        put(o, "container", src.get("container"));
      }
    }
    if (metric.get("external") instanceof ObjectNode src) {
      ObjectNode o = out.putObject("external");
      o.set("metric", identifier(src.get("metricName"), src.get("metricSelector")));
      o.set("current", current(quantity(src.get("currentValue")), src.get("currentAverageValue"), null));
    }
    return out;
  }

  /** A MetricTarget: its type, then the values of a {@link #current MetricValueStatus}. */
  private static ObjectNode target(String type, JsonNode value, JsonNode averageValue, JsonNode utilization) {
    ObjectNode target = NODES.objectNode().put("type", type);
    target.setAll(current(value, averageValue, utilization));
    return target;
  }

  private static ObjectNode current(JsonNode value, JsonNode averageValue, JsonNode utilization) {
    ObjectNode current = NODES.objectNode();
    put(current, "value", value);
    put(current, "averageValue", averageValue);
    put(current, "averageUtilization", utilization);
    return current;
  }

  private static ObjectNode identifier(JsonNode name, JsonNode selector) {
    ObjectNode metric = NODES.objectNode();
    metric.put("name", name == null ? "" : name.asText(""));
    put(metric, "selector", selector);
    return metric;
  }

  private static JsonNode quantity(JsonNode value) {
    return value == null || value.isNull() ? NODES.textNode("0") : value.deepCopy();
  }

  private static void put(ObjectNode to, String field, JsonNode value) {
    if (value != null && !value.isNull()) {
      to.set(field, value.deepCopy());
    }
  }
}
