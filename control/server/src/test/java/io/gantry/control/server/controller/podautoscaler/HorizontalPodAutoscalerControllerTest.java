package io.gantry.control.server.controller.podautoscaler;

import static io.gantry.control.server.controller.WorkloadFixture.NS;
import static io.gantry.control.server.controller.WorkloadFixture.await;
import static io.gantry.control.server.controller.WorkloadFixture.deployment;
import static io.gantry.control.server.controller.WorkloadFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.MutableClock;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The no-metrics autoscaler against a real store: replica bounds, the no-metrics path, a target at zero or gone. */
class HorizontalPodAutoscalerControllerTest {

  private static final String NO_CPU = "failed to get cpu utilization: unable to get metrics for resource cpu: "
      + "unable to fetch metrics from resource metrics API: the server could not find the requested resource "
      + "(get pods.metrics.k8s.io)";

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
  private SqliteStore store;
  private ObjectRegistry registry;
  private HorizontalPodAutoscalerController controller;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, clock);
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"" + NS + "\"}}"));
    controller = HorizontalPodAutoscalerController.start(registry.as("horizontal-pod-autoscaler"),
        new ObjectWatcher(store));
  }

  @AfterEach
  void close() {
    controller.close();
    store.close();
  }

  private void hpa(String target, int min, int max) throws ApiException {
    registry.create(ResourceTypes.HORIZONTALPODAUTOSCALERS, NS, json("""
        {"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"%s"},
         "minReplicas":%d,"maxReplicas":%d}}
        """.formatted(target, min, max)));
  }

  private int replicas(String name) throws ApiException {
    return registry.get(ResourceTypes.DEPLOYMENTS, NS, name).at("/spec/replicas").asInt(-1);
  }

  private JsonNode status() throws ApiException {
    return registry.get(ResourceTypes.HORIZONTALPODAUTOSCALERS, NS, "web").path("status");
  }

  private Optional<JsonNode> condition(String type) throws ApiException {
    for (JsonNode c : status().path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** {@code status reason message} of a condition, or "" when absent. */
  private String conditionText(String type) throws ApiException {
    return condition(type).map(c -> c.path("status").asText() + " " + c.path("reason").asText() + " "
        + c.path("message").asText()).orElse("");
  }

  /** Each event as {@code type reason message}. */
  private List<String> events() throws ApiException {
    return registry.list(ResourceTypes.EVENTS, NS, null, null, 0, null).items().stream()
        .peek(e -> assertEquals("horizontal-pod-autoscaler", e.at("/source/component").asText(), e.toString()))
        .peek(e -> assertEquals("HorizontalPodAutoscaler", e.at("/involvedObject/kind").asText(), e.toString()))
        .map(e -> e.path("type").asText() + " " + e.path("reason").asText() + " " + e.path("message").asText())
        .sorted().toList();
  }

  @Test
  void aDeploymentBelowMinReplicasIsScaledUpToIt() throws ApiException {
    registry.create(ResourceTypes.DEPLOYMENTS, NS, deployment("app", 1, "1.27"));
    hpa("app", 2, 5);
    await("scaled to 2", () -> replicas("app") == 2 && status().path("desiredReplicas").asInt() == 2);
    assertEquals(1, status().path("currentReplicas").asInt(), status().toString());
    assertEquals("2026-01-02T03:04:05Z", status().path("lastScaleTime").asText());
    assertFalse(status().has("currentMetrics"), status().toString());
    assertEquals("True SucceededRescale the HPA controller was able to update the target scale to 2",
        conditionText("AbleToScale"));
    // upstream sets ScalingActive and ScalingLimited only once it has metrics to normalize
    assertEquals("", conditionText("ScalingActive"));
    assertEquals("", conditionText("ScalingLimited"));
    assertEquals(List.of("Normal SuccessfulRescale New size: 2; reason: Current number of replicas below "
        + "Spec.MinReplicas"), events());
  }

  @Test
  void aDeploymentAboveMaxReplicasIsScaledDownToIt() throws ApiException {
    registry.create(ResourceTypes.DEPLOYMENTS, NS, deployment("app", 7, "1.27"));
    hpa("app", 2, 5);
    await("scaled to 5", () -> replicas("app") == 5 && status().path("desiredReplicas").asInt() == 5);
    assertEquals(7, status().path("currentReplicas").asInt(), status().toString());
    assertEquals("True SucceededRescale the HPA controller was able to update the target scale to 5",
        conditionText("AbleToScale"));
    assertEquals(List.of("Normal SuccessfulRescale New size: 5; reason: Current number of replicas above "
        + "Spec.MaxReplicas"), events());
  }

  @Test
  void aDeploymentWithinBoundsIsLeftAloneForWantOfMetrics() throws ApiException {
    registry.create(ResourceTypes.DEPLOYMENTS, NS, deployment("app", 3, "1.27"));
    hpa("app", 2, 5);
    await("no metrics", () -> condition("ScalingActive").isPresent() && events().size() == 2);
    assertEquals("False FailedGetResourceMetric the HPA was unable to compute the replica count: " + NO_CPU,
        conditionText("ScalingActive"));
    assertEquals("True SucceededGetScale the HPA controller was able to get the target's current scale",
        conditionText("AbleToScale"));
    assertEquals(3, status().path("currentReplicas").asInt());
    assertEquals(0, status().path("desiredReplicas").asInt(-1), status().toString());
    assertEquals("[{\"type\":\"\"}]", status().path("currentMetrics").toString());
    assertFalse(status().has("lastScaleTime"), status().toString());
    assertEquals(List.of("Warning FailedComputeMetricsReplicas invalid metrics (1 invalid out of 1), first error is: "
        + "failed to get cpu resource metric value: " + NO_CPU, "Warning FailedGetResourceMetric " + NO_CPU), events());
    assertEquals(3, replicas("app"));
  }

  @Test
  void aRescaleThenAnInBoundsPassKeepsTheTransitionTimeOfAnUnchangedStatus() throws ApiException {
    registry.create(ResourceTypes.DEPLOYMENTS, NS, deployment("app", 1, "1.27"));
    hpa("app", 2, 5);
    await("scaled to 2", () -> status().path("desiredReplicas").asInt() == 2);
    clock.advance(Duration.ofMinutes(1));
    // a spec edit brings the next pass forward: the target is now within bounds
    registry.patch(ResourceTypes.HORIZONTALPODAUTOSCALERS, NS, "web", PatchType.MERGE_PATCH,
        json("{\"spec\":{\"maxReplicas\":6}}"), null);
    await("no metrics", () -> condition("ScalingActive").isPresent());
    assertEquals("True SucceededGetScale the HPA controller was able to get the target's current scale",
        conditionText("AbleToScale"));
    assertEquals("2026-01-02T03:04:05Z", condition("AbleToScale").orElseThrow().path("lastTransitionTime").asText());
    assertEquals("2026-01-02T03:05:05Z", condition("ScalingActive").orElseThrow().path("lastTransitionTime").asText());
    // desiredReplicas stays what the last rescale made it; currentReplicas follows the scale
    assertEquals(2, status().path("desiredReplicas").asInt());
    assertEquals(2, status().path("currentReplicas").asInt());
    assertEquals(2, replicas("app"));
  }

  @Test
  void aTargetAtZeroReplicasDisablesScaling() throws ApiException {
    registry.create(ResourceTypes.DEPLOYMENTS, NS, deployment("app", 0, "1.27"));
    hpa("app", 2, 5);
    await("disabled", () -> condition("ScalingActive").isPresent());
    assertEquals("False ScalingDisabled scaling is disabled since the replica count of the target is zero",
        conditionText("ScalingActive"));
    assertEquals("True SucceededGetScale the HPA controller was able to get the target's current scale",
        conditionText("AbleToScale"));
    assertEquals(0, status().path("currentReplicas").asInt(-1));
    assertEquals(0, status().path("desiredReplicas").asInt(-1));
    assertEquals(List.of(), events());
    assertEquals(0, replicas("app"));
  }

  @Test
  void aMissingTargetCannotBeScaled() throws ApiException {
    hpa("gone", 2, 5);
    await("failed", () -> condition("AbleToScale").isPresent());
    assertEquals("False FailedGetScale the HPA controller was unable to get the target's current scale: "
        + "deployments.apps \"gone\" not found", conditionText("AbleToScale"));
    assertEquals(List.of("Warning FailedGetScale deployments.apps \"gone\" not found"), events());
    // once the target exists, the next pass (here brought forward by a spec edit) scales it
    registry.create(ResourceTypes.DEPLOYMENTS, NS, deployment("gone", 1, "1.27"));
    registry.patch(ResourceTypes.HORIZONTALPODAUTOSCALERS, NS, "web", PatchType.MERGE_PATCH,
        json("{\"spec\":{\"maxReplicas\":4}}"), null);
    await("scaled to 2", () -> replicas("gone") == 2);
    await("able", () -> conditionText("AbleToScale").startsWith("True SucceededRescale"));
  }

  @Test
  void anUnknownTargetKindIsReportedAsUpstreamsMapperDoes() throws ApiException {
    ObjectNode hpa = json("""
        {"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"apiVersion":"example.com/v1","kind":"Widget",
         "name":"w"},"minReplicas":1,"maxReplicas":3}}
        """);
    registry.create(ResourceTypes.HORIZONTALPODAUTOSCALERS, NS, hpa);
    await("failed", () -> condition("AbleToScale").isPresent());
    assertTrue(conditionText("AbleToScale").endsWith(": no matches for kind \"Widget\" in group \"example.com\""),
        conditionText("AbleToScale"));
  }
}
