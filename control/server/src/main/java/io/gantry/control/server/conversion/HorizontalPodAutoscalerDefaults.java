package io.gantry.control.server.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The defaults of HorizontalPodAutoscalers, as k8s.io/kubernetes's {@code SetDefaults_HorizontalPodAutoscaler}
 * of autoscaling/v2 and autoscaling/v1. They sit beside the conversion because kube-apiserver defaults an
 * object each time it decodes it: a v1 write is stored as v2 and read back with v2's defaults.
 */
public final class HorizontalPodAutoscalerDefaults {

  /** autoscaling.DefaultCPUUtilization: the target of an autoscaler that names no metric. */
  public static final int DEFAULT_CPU_UTILIZATION = 80;

  private HorizontalPodAutoscalerDefaults() {}

  /**
   * autoscaling/v2: {@code minReplicas} 1, a CPU utilization metric of 80% when there is no metric, and,
   * only when {@code behavior} is given, its missing rules and rule fields from upstream's scale-up and
   * scale-down defaults (GenerateHPAScaleUpRules, GenerateHPAScaleDownRules).
   */
  public static void v2(ObjectNode hpa) {
    ObjectNode spec = object(hpa, "spec");
    if (!spec.hasNonNull("minReplicas")) {
      spec.put("minReplicas", 1);
    }
    if (!(spec.get("metrics") instanceof ArrayNode metrics) || metrics.isEmpty()) {
      spec.putArray("metrics").add(cpuUtilization(DEFAULT_CPU_UTILIZATION));
    }
    if (spec.get("behavior") instanceof ObjectNode behavior) {
      behavior.set("scaleUp", rules(behavior.get("scaleUp"), scaleUp()));
      behavior.set("scaleDown", rules(behavior.get("scaleDown"), scaleDown()));
    }
  }

  /** autoscaling/v1: {@code minReplicas} 1. */
  public static void v1(ObjectNode hpa) {
    ObjectNode spec = object(hpa, "spec");
    if (!spec.hasNonNull("minReplicas")) {
      spec.put("minReplicas", 1);
    }
  }

  /** A v2 Resource metric on the pods' average CPU utilization. */
  static ObjectNode cpuUtilization(int percent) {
    ObjectNode metric = JsonNodeFactory.instance.objectNode();
    metric.put("type", "Resource");
    ObjectNode resource = metric.putObject("resource");
    resource.put("name", "cpu");
    resource.putObject("target").put("type", "Utilization").put("averageUtilization", percent);
    return metric;
  }

  /** copyHPAScalingRules: the given rules' set fields over the defaults. */
  private static ObjectNode rules(JsonNode given, ObjectNode defaults) {
    if (!(given instanceof ObjectNode from)) {
      return defaults;
    }
    for (String field : new String[] {"selectPolicy", "stabilizationWindowSeconds", "policies"}) {
      if (from.hasNonNull(field)) {
        defaults.set(field, from.get(field));
      }
    }
    // upstream's result keeps the type's field order
    ObjectNode ordered = JsonNodeFactory.instance.objectNode();
    for (String field : new String[] {"stabilizationWindowSeconds", "selectPolicy", "policies"}) {
      if (defaults.has(field)) {
        ordered.set(field, defaults.get(field));
      }
    }
    return ordered;
  }

  /** Scale up by at most 4 pods or 100% every 15 seconds, whichever is more, with no stabilization. */
  private static ObjectNode scaleUp() {
    ObjectNode rules = JsonNodeFactory.instance.objectNode();
    rules.put("stabilizationWindowSeconds", 0);
    rules.put("selectPolicy", "Max");
    ArrayNode policies = rules.putArray("policies");
    policies.addObject().put("type", "Pods").put("value", 4).put("periodSeconds", 15);
    policies.addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
    return rules;
  }

  /** Scale down by at most 100% every 15 seconds; the stabilization window is left to the controller (300s). */
  private static ObjectNode scaleDown() {
    ObjectNode rules = JsonNodeFactory.instance.objectNode();
    rules.put("selectPolicy", "Max");
    rules.putArray("policies").addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
    return rules;
  }

  private static ObjectNode object(ObjectNode parent, String field) {
    if (parent.get(field) instanceof ObjectNode child) {
      return child;
    }
    return parent.putObject(field);
  }
}
