package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class HorizontalPodAutoscalerValidationTest {

  private static final String HPA = """
      metadata: {name: web, namespace: demo}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
        minReplicas: 2
        maxReplicas: 5
        metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}]
      """;

  @Test
  void acceptsAValidAutoscaler() {
    assertEquals(List.of(), create(ResourceTypes.HORIZONTALPODAUTOSCALERS, HPA));
  }

  @Test
  void refusesBadBoundsAndReference() {
    assertEquals(List.of("spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
        "spec.maxReplicas: Invalid value: 0: must be greater than 0",
        "spec.scaleTargetRef.kind: Required value",
        "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero "
            + "replicas"),
        create(ResourceTypes.HORIZONTALPODAUTOSCALERS, HPA.replace("minReplicas: 2", "minReplicas: 0")
            .replace("maxReplicas: 5", "maxReplicas: 0").replace("kind: Deployment, ", "")));
    assertEquals(List.of("spec.maxReplicas: Invalid value: 1: must be greater than or equal to `minReplicas`"),
        create(ResourceTypes.HORIZONTALPODAUTOSCALERS, HPA.replace("maxReplicas: 5", "maxReplicas: 1")));
  }

  @Test
  void refusesBadMetricsAndPolicies() {
    assertEquals(List.of(
        "spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or "
            + "a target utilization",
        "spec.metrics[1].pods: Required value: must populate information for the given metric source",
        "spec.behavior.scaleUp.selectPolicy: Unsupported value: \"Most\": supported values: \"Disabled\", \"Max\", "
            + "\"Min\"",
        "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800",
        "spec.behavior.scaleDown.policies: Required value: must specify at least one Policy"),
        create(ResourceTypes.HORIZONTALPODAUTOSCALERS, HPA.replace("averageUtilization: 80", "")
            .replace("}}}]", "}}}, {type: Pods}]") + """
              behavior:
                scaleUp: {selectPolicy: Most, policies: [{type: Pods, value: 1, periodSeconds: 1801}]}
                scaleDown: {policies: []}
            """));
  }

  @Test
  void checksV1InItsV2Form() {
    assertEquals(List.of("spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0"),
        create(ResourceTypes.HORIZONTALPODAUTOSCALERS_V1, """
            metadata: {name: web, namespace: demo}
            spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3, targetCPUUtilizationPercentage: 0}
            """));
  }

  @Test
  void anAutoscalerAtZeroMayStayThere() {
    String zero = HPA.replace("minReplicas: 2", "minReplicas: 0")
        .replace("metrics: [", "metrics: [{type: External, external: {metric: {name: q}, target: {type: Value, "
            + "value: \"1\"}}}, ");
    assertEquals(List.of(), update(ResourceTypes.HORIZONTALPODAUTOSCALERS, zero, zero));
  }
}
