package io.gantry.control.server.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HorizontalPodAutoscalerTableTest {

  @Test
  void printsAsKubectlDoes() throws Exception {
    ColumnSet columns = ColumnSets.forType(ResourceTypes.HORIZONTALPODAUTOSCALERS);
    assertEquals(List.of("Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"),
        columns.columns().stream().map(Column::name).toList());
    ObjectNode hpa = (ObjectNode) Json.YAML.readTree("""
        apiVersion: autoscaling/v2
        metadata: {name: web, creationTimestamp: "2026-01-01T00:00:00Z"}
        spec:
          scaleTargetRef: {kind: Deployment, name: web}
          minReplicas: 2
          maxReplicas: 5
          metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}]
        status: {currentReplicas: 2, currentMetrics: [{type: ""}]}
        """);
    assertEquals(List.of("web", "Deployment/web", "cpu: <unknown>/80%", "2", 5L, 2L, "2m"),
        columns.cells(hpa, Instant.parse("2026-01-01T00:02:00Z")));
    ObjectNode v1 = (ObjectNode) Json.YAML.readTree("""
        apiVersion: autoscaling/v1
        metadata: {name: web, creationTimestamp: "2026-01-01T00:00:00Z"}
        spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3, targetCPUUtilizationPercentage: 50}
        status: {currentReplicas: 1, currentCPUUtilizationPercentage: 20}
        """);
    assertEquals("cpu: 20%/50%", columns.cells(v1, Instant.parse("2026-01-01T00:02:00Z")).get(2));
  }
}
