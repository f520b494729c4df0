package io.gantry.control.server.conversion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * autoscaling/v1 HorizontalPodAutoscalers to and from the autoscaling/v2 ones they are stored as, as
 * upstream's {@code Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler} and back
 * (pkg/apis/autoscaling/v1/conversion.go). v1 says only {@code targetCPUUtilizationPercentage} and
 * {@code status.currentCPUUtilizationPercentage}; the other metrics (in v1's metric form), the current
 * metrics, the conditions and the behavior travel in annotations, which are dropped on the way back to v2.
 * As upstream, the behavior annotation holds the internal type marshalled without json tags, so its keys are
 * Go's field names ({@code ScaleUp}, {@code StabilizationWindowSeconds}). A malformed round-trip annotation is
 * dropped (upstream fails the decode for the metric annotations).
 */
public final class AutoscalingV1Conversion implements ObjectConversion {

  public static final AutoscalingV1Conversion INSTANCE = new AutoscalingV1Conversion();

  static final String METRICS = "autoscaling.alpha.kubernetes.io/metrics";
  static final String CURRENT_METRICS = "autoscaling.alpha.kubernetes.io/current-metrics";
  static final String CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
  static final String BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";
  private static final List<String> ROUND_TRIP = List.of(METRICS, BEHAVIOR, CURRENT_METRICS, CONDITIONS);

  private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "metadata", "spec", "status");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AutoscalingV1Conversion() {}

  @Override
  public ObjectNode toStorage(ObjectNode v1) {
    ObjectNode v2 = NODES.objectNode();
    v2.put("apiVersion", "autoscaling/v2");
    v2.put("kind", "HorizontalPodAutoscaler");
    ObjectNode metadata = v1.get("metadata") instanceof ObjectNode m ? m.deepCopy() : null;
    JsonNode annotations = metadata == null ? NODES.objectNode() : metadata.path("annotations");
    if (metadata != null) {
      v2.set("metadata", metadata);
    }
    JsonNode spec = v1.path("spec");
    ObjectNode outSpec = v2.putObject("spec");
    copy(spec, outSpec, "scaleTargetRef", "minReplicas", "maxReplicas");
    ArrayNode metrics = NODES.arrayNode();
    for (JsonNode metric : parsedArray(annotations, METRICS)) {
      metrics.add(V1Metrics.specToV2(metric));
    }
    if (spec.path("targetCPUUtilizationPercentage").isNumber()) {
      metrics.add(HorizontalPodAutoscalerDefaults.cpuUtilization(spec.get("targetCPUUtilizationPercentage").asInt()));
    }
    if (metrics.isEmpty()) {
      // v1's implicit default, made explicit now that every metric is known
      metrics.add(HorizontalPodAutoscalerDefaults.cpuUtilization(HorizontalPodAutoscalerDefaults.DEFAULT_CPU_UTILIZATION));
    }
    outSpec.set("metrics", metrics);
    JsonNode behavior = behaviorFromAnnotation(annotations.path(BEHAVIOR).asText(null));
    if (behavior != null) {
      outSpec.set("behavior", behavior);
    }
    if (v1.get("status") instanceof ObjectNode status) {
      ObjectNode outStatus = v2.putObject("status");
      copy(status, outStatus, "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas");
      if (annotations.has(CURRENT_METRICS)) {
        ArrayNode current = outStatus.putArray("currentMetrics");
        for (JsonNode metric : parsedArray(annotations, CURRENT_METRICS)) {
          current.add(V1Metrics.statusToV2(metric));
        }
      } else if (status.path("currentCPUUtilizationPercentage").isNumber()) {
        ObjectNode metric = outStatus.putArray("currentMetrics").addObject();
        metric.put("type", "Resource");
        metric.putObject("resource").put("name", "cpu").putObject("current")
            .put("averageUtilization", status.get("currentCPUUtilizationPercentage").asInt());
      }
      ArrayNode conditions = parsedArray(annotations, CONDITIONS);
      if (!conditions.isEmpty()) {
        outStatus.set("conditions", conditions);
      }
    }
    dropRoundTrip(metadata);
    // what v2 reads back is defaulted, as kube-apiserver defaults each decode
    HorizontalPodAutoscalerDefaults.v2(v2);
    return v2;
  }

  @Override
  public ObjectNode fromStorage(ObjectNode v2) {
    ObjectNode v1 = NODES.objectNode();
    v1.put("apiVersion", "autoscaling/v1");
    v1.put("kind", "HorizontalPodAutoscaler");
    ObjectNode metadata = v2.get("metadata") instanceof ObjectNode m ? m.deepCopy() : NODES.objectNode();
    dropRoundTrip(metadata);
    JsonNode spec = v2.path("spec");
    ObjectNode outSpec = v1.putObject("spec");
    copy(spec, outSpec, "scaleTargetRef", "minReplicas", "maxReplicas");
    ArrayNode others = NODES.arrayNode();
    boolean cpuSeen = false;
    for (JsonNode metric : spec.path("metrics")) {
      boolean cpu = isCpu(metric);
      JsonNode utilization = metric.path("resource").path("target").path("averageUtilization");
      if (cpu && !cpuSeen) {
        cpuSeen = true;
        if (utilization.isNumber()) {
          outSpec.put("targetCPUUtilizationPercentage", utilization.asInt());
        }
      }
      if (!(cpu && utilization.isNumber())) {
        others.add(V1Metrics.specToV1(metric));
      }
    }
    ObjectNode annotations = NODES.objectNode();
    if (!others.isEmpty()) {
      annotations.put(METRICS, write(others));
    }
    JsonNode status = v2.get("status");
    if (status instanceof ObjectNode) {
      ObjectNode outStatus = v1.putObject("status");
      copy(status, outStatus, "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas");
      ArrayNode current = NODES.arrayNode();
      for (JsonNode metric : status.path("currentMetrics")) {
        if (isCpu(metric) && metric.path("resource").path("current").path("averageUtilization").isNumber()) {
          outStatus.put("currentCPUUtilizationPercentage",
              metric.path("resource").path("current").path("averageUtilization").asInt());
        }
        current.add(V1Metrics.statusToV1(metric));
      }
      if (!current.isEmpty()) {
        annotations.put(CURRENT_METRICS, write(current));
      }
      if (status.path("conditions").isArray() && !status.path("conditions").isEmpty()) {
        annotations.put(CONDITIONS, write(status.get("conditions")));
      }
    }
    if (spec.get("behavior") instanceof ObjectNode behavior) {
      annotations.put(BEHAVIOR, write(behaviorToAnnotation(behavior)));
    }
    if (!annotations.isEmpty()) {
      ObjectNode existing = metadata.get("annotations") instanceof ObjectNode a ? a : metadata.putObject("annotations");
      existing.setAll(annotations);
    }
    if (!metadata.isEmpty() || v2.has("metadata")) {
      v1.set("metadata", metadata);
    }
    // field order as v1's type: metadata before spec
    ObjectNode ordered = NODES.objectNode();
    for (String field : new String[] {"apiVersion", "kind", "metadata", "spec", "status"}) {
      if (v1.has(field)) {
        ordered.set(field, v1.get(field));
      }
    }
    return ordered;
  }

  @Override
  public boolean hasField(String field) {
    return FIELDS.contains(field);
  }

  @Override
  public String fieldFromStorage(String storedField) {
    return storedField;
  }

  @Override
  public String fieldLabel(String label) {
    if (label.equals("metadata.name") || label.equals("metadata.namespace")) {
      return label;
    }
    throw new IllegalArgumentException("field label not supported: " + label);
  }

  private static boolean isCpu(JsonNode metric) {
    return "Resource".equals(metric.path("type").asText()) && metric.path("resource").isObject()
        && "cpu".equals(metric.path("resource").path("name").asText());
  }

  /** The internal HorizontalPodAutoscalerBehavior as encoding/json writes it: Go field names, nil as null. */
  private static ObjectNode behaviorToAnnotation(ObjectNode behavior) {
    ObjectNode out = NODES.objectNode();
    out.set("ScaleUp", rulesToAnnotation(behavior.get("scaleUp")));
    out.set("ScaleDown", rulesToAnnotation(behavior.get("scaleDown")));
    return out;
  }

  private static JsonNode rulesToAnnotation(JsonNode rules) {
    if (rules == null || !rules.isObject()) {
      return NODES.nullNode();
    }
    ObjectNode out = NODES.objectNode();
    out.set("StabilizationWindowSeconds", rules.path("stabilizationWindowSeconds").isNumber()
        ? rules.get("stabilizationWindowSeconds") : NODES.nullNode());
    out.set("SelectPolicy", rules.hasNonNull("selectPolicy") ? rules.get("selectPolicy") : NODES.nullNode());
    if (rules.path("policies").isArray()) {
      ArrayNode policies = out.putArray("Policies");
      for (JsonNode p : rules.get("policies")) {
        policies.addObject().put("Type", p.path("type").asText("")).put("Value", p.path("value").asInt(0))
            .put("PeriodSeconds", p.path("periodSeconds").asInt(0));
      }
    } else {
      out.putNull("Policies");
    }
    return out;
  }

  /** The annotation read back as encoding/json reads it (keys matched ignoring case); null unless well-formed. */
  static ObjectNode behaviorFromAnnotation(String text) {
    if (text == null) {
      return null;
    }
    JsonNode parsed;
    try {
      parsed = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (!(parsed instanceof ObjectNode given)) {
      return null;
    }
    ObjectNode behavior = NODES.objectNode();
    JsonNode up = rulesFromAnnotation(field(given, "ScaleUp"));
    JsonNode down = rulesFromAnnotation(field(given, "ScaleDown"));
    if (up != null) {
      behavior.set("scaleUp", up);
    }
    if (down != null) {
      behavior.set("scaleDown", down);
    }
    return behavior.isEmpty() ? null : behavior;
  }

  private static ObjectNode rulesFromAnnotation(JsonNode rules) {
    if (rules == null || !rules.isObject()) {
      return null;
    }
    ObjectNode out = NODES.objectNode();
    JsonNode window = field(rules, "StabilizationWindowSeconds");
    if (window != null && window.isNumber()) {
      out.put("stabilizationWindowSeconds", window.asInt());
    }
    JsonNode select = field(rules, "SelectPolicy");
    if (select != null && select.isTextual()) {
      out.put("selectPolicy", select.asText());
    }
    JsonNode policies = field(rules, "Policies");
    if (policies != null && policies.isArray()) {
      ArrayNode out2 = out.putArray("policies");
      for (JsonNode p : policies) {
        ObjectNode policy = out2.addObject();
        JsonNode type = field(p, "Type");
        JsonNode value = field(p, "Value");
        JsonNode period = field(p, "PeriodSeconds");
        policy.put("type", type == null ? "" : type.asText(""));
        policy.put("value", value == null ? 0 : value.asInt());
        policy.put("periodSeconds", period == null ? 0 : period.asInt());
      }
    }
    return out;
  }

  private static JsonNode field(JsonNode node, String name) {
    JsonNode exact = node.get(name);
    if (exact != null) {
      return exact.isNull() ? null : exact;
    }
    for (var entry : node.properties()) {
      if (entry.getKey().equalsIgnoreCase(name)) {
        return entry.getValue().isNull() ? null : entry.getValue();
      }
    }
    return null;
  }

  private static ArrayNode parsedArray(JsonNode annotations, String key) {
    String text = annotations.path(key).asText(null);
    if (text != null) {
      try {
        if (MAPPER.readTree(text) instanceof ArrayNode array) {
          return array;
        }
      } catch (JsonProcessingException e) {
        // malformed: dropped, as the annotation is
      }
    }
    return NODES.arrayNode();
  }

  private static void dropRoundTrip(ObjectNode metadata) {
    if (metadata != null && metadata.get("annotations") instanceof ObjectNode annotations) {
      annotations.remove(ROUND_TRIP);
      if (annotations.isEmpty()) {
        metadata.remove("annotations");
      }
    }
  }

  private static void copy(JsonNode from, ObjectNode to, String... fields) {
    for (String field : fields) {
      JsonNode value = from.get(field);
      if (value != null && !value.isNull()) {
        to.set(field, value.deepCopy());
      }
    }
  }

  private static String write(JsonNode value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
