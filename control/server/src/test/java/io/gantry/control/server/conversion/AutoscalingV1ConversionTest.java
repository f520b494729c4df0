package io.gantry.control.server.conversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import org.junit.jupiter.api.Test;

class AutoscalingV1ConversionTest {

  private final AutoscalingV1Conversion conversion = AutoscalingV1Conversion.INSTANCE;

  private static final String V2 = """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: {name: web, namespace: demo, annotations: {team: a}}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
        minReplicas: 2
        maxReplicas: 5
        metrics:
        - type: Resource
          resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
        - type: Pods
          pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: "10"}}
        behavior:
          scaleDown:
            stabilizationWindowSeconds: 60
            selectPolicy: Max
            policies: [{type: Pods, value: 1, periodSeconds: 30}]
      status:
        currentReplicas: 2
        desiredReplicas: 2
        currentMetrics:
        - type: Resource
          resource: {name: cpu, current: {averageUtilization: 40, averageValue: 100m}}
        conditions:
        - {type: AbleToScale, status: "True", reason: SucceededGetScale, message: ok}
      """;

  @Test
  void v2ToV1KeepsTheCpuFieldsAndTheRestInAnnotations() {
    ObjectNode v1 = conversion.fromStorage(yaml(V2));
    assertEquals("autoscaling/v1", v1.path("apiVersion").asText());
    assertEquals(60, v1.path("spec").path("targetCPUUtilizationPercentage").asInt());
    assertEquals(40, v1.path("status").path("currentCPUUtilizationPercentage").asInt());
    var annotations = v1.path("metadata").path("annotations");
    assertEquals("a", annotations.path("team").asText());
    assertEquals("[{\"type\":\"Pods\",\"pods\":{\"metricName\":\"rps\",\"targetAverageValue\":\"10\"}}]",
        annotations.path("autoscaling.alpha.kubernetes.io/metrics").asText());
    assertEquals("[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"currentAverageUtilization\":40,"
        + "\"currentAverageValue\":\"100m\"}}]", annotations.path("autoscaling.alpha.kubernetes.io/current-metrics").asText());
    assertEquals("[{\"type\":\"AbleToScale\",\"status\":\"True\",\"reason\":\"SucceededGetScale\",\"message\":\"ok\"}]",
        annotations.path("autoscaling.alpha.kubernetes.io/conditions").asText());
    // the internal type, as upstream marshals it: Go field names, nil as null
    assertEquals("{\"ScaleUp\":null,\"ScaleDown\":{\"StabilizationWindowSeconds\":60,\"SelectPolicy\":\"Max\","
        + "\"Policies\":[{\"Type\":\"Pods\",\"Value\":1,\"PeriodSeconds\":30}]}}",
        annotations.path("autoscaling.alpha.kubernetes.io/behavior").asText());
  }

  @Test
  void v2RoundTripsThroughV1() {
    ObjectNode v2 = yaml(V2);
    ObjectNode back = conversion.toStorage(conversion.fromStorage(v2));
    ObjectNode expected = v2.deepCopy();
    // the other metrics come back first, the CPU target last; the behavior comes back defaulted
    HorizontalPodAutoscalerDefaults.v2(expected);
    var metrics = (com.fasterxml.jackson.databind.node.ArrayNode) expected.path("spec").path("metrics");
    metrics.add(metrics.remove(0));
    assertEquals(expected, back);
  }

  @Test
  void v1WithoutTargetGetsTheImplicitCpuDefaultAndNoAnnotationsStay() {
    ObjectNode v2 = conversion.toStorage(yaml("""
        apiVersion: autoscaling/v1
        kind: HorizontalPodAutoscaler
        metadata: {name: web, annotations: {autoscaling.alpha.kubernetes.io/conditions: "not json"}}
        spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}
        """));
    assertEquals(yaml("""
        {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}
        """), v2.path("spec").path("metrics").get(0));
    assertEquals(1, v2.path("spec").path("minReplicas").asInt());
    assertFalse(v2.path("metadata").has("annotations"));
    assertFalse(v2.path("spec").has("behavior"));
  }

  @Test
  void v1RoundTripsThroughV2() {
    ObjectNode v1 = yaml("""
        apiVersion: autoscaling/v1
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 1, maxReplicas: 3,
          targetCPUUtilizationPercentage: 50}
        status: {currentReplicas: 1, desiredReplicas: 1}
        """);
    assertEquals(v1, conversion.fromStorage(conversion.toStorage(v1)));
    assertSame(conversion, Conversions.of(ResourceTypes.HORIZONTALPODAUTOSCALERS_V1));
  }

  @Test
  void behaviorAnnotationIsReadIgnoringCase() {
    ObjectNode behavior = AutoscalingV1Conversion.behaviorFromAnnotation(
        "{\"scaleUp\":{\"selectPolicy\":\"Min\",\"policies\":[{\"type\":\"Percent\",\"value\":50,\"periodSeconds\":60}]}}");
    assertEquals(yaml("{scaleUp: {selectPolicy: Min, policies: [{type: Percent, value: 50, periodSeconds: 60}]}}"),
        behavior);
    assertEquals(null, AutoscalingV1Conversion.behaviorFromAnnotation("{}"));
  }

  @Test
  void v2DefaultsFillBehaviorOnlyWhenGiven() {
    ObjectNode hpa = yaml("spec: {maxReplicas: 3, behavior: {scaleDown: {stabilizationWindowSeconds: 10}}}");
    HorizontalPodAutoscalerDefaults.v2(hpa);
    assertEquals(yaml("""
        minReplicas: 1
        maxReplicas: 3
        metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}]
        behavior:
          scaleDown: {stabilizationWindowSeconds: 10, selectPolicy: Max,
            policies: [{type: Percent, value: 100, periodSeconds: 15}]}
          scaleUp: {stabilizationWindowSeconds: 0, selectPolicy: Max,
            policies: [{type: Pods, value: 4, periodSeconds: 15}, {type: Percent, value: 100, periodSeconds: 15}]}
        """), hpa.path("spec"));
    ObjectNode plain = yaml("spec: {maxReplicas: 3}");
    HorizontalPodAutoscalerDefaults.v2(plain);
    assertFalse(plain.path("spec").has("behavior"));
  }

  private static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) Json.YAML.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
