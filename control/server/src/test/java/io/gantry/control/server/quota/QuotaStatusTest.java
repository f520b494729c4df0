package io.gantry.control.server.quota;

import static io.gantry.control.server.quota.QuotaFixtures.NOW;
import static io.gantry.control.server.quota.QuotaFixtures.pod;
import static io.gantry.control.server.quota.QuotaFixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The controller's count: hard from spec, used from the namespace's objects within the quota's scopes. */
class QuotaStatusTest {

  private final Map<ResourceType, List<ObjectNode>> objects = Map.of(
      ResourceTypes.PODS, List.of(pod("a", "cpu: 250m, memory: 64Mi", "cpu: 500m, memory: 64Mi"),
          pod("b", "cpu: 250m", "cpu: 250m"), terminated(), bestEffort()),
      ResourceTypes.SECRETS, List.of(yaml("metadata: {name: s1}"), yaml("metadata: {name: s2}")),
      ResourceTypes.DEPLOYMENTS, List.of(yaml("metadata: {name: d}")));

  private static ObjectNode terminated() {
    ObjectNode pod = pod("done", "cpu: '4'", "cpu: '4'");
    pod.withObjectProperty("status").put("phase", "Failed");
    return pod;
  }

  private static ObjectNode bestEffort() {
    return yaml("metadata: {name: be}\nspec: {containers: [{name: c, image: nginx}], activeDeadlineSeconds: 10}");
  }

  private QuotaStatus compute(String quota) throws Exception {
    return QuotaStatus.compute(yaml(quota), type -> objects.getOrDefault(type, List.of()), NOW);
  }

  @Test
  void usedCountsEveryHardResourceAnEvaluatorKnows() throws Exception {
    QuotaStatus status = compute("""
        metadata: {name: q}
        spec: {hard: {pods: "10", count/pods: "10", requests.cpu: "2", limits.memory: 1Gi, secrets: "5",
               count/deployments.apps: "1", configmaps: "3", count/widgets.example.com: "1"}}
        """);
    assertTrue(status.changed(), "a first count is always written");
    assertEquals("{\"configmaps\":\"0\",\"count/deployments.apps\":\"1\",\"count/pods\":\"4\",\"limits.memory\":"
        + "\"64Mi\",\"pods\":\"3\",\"requests.cpu\":\"500m\",\"secrets\":\"2\"}", status.status().get("used").toString(),
        "a failed pod counts only as an object; an unknown kind stays uncounted");
    assertEquals("{\"configmaps\":\"3\",\"count/deployments.apps\":\"1\",\"count/pods\":\"10\",\"count/widgets.example.com\":"
        + "\"1\",\"limits.memory\":\"1Gi\",\"pods\":\"10\",\"requests.cpu\":\"2\",\"secrets\":\"5\"}",
        status.status().get("hard").toString());
  }

  @Test
  void scopesLimitWhichPodsAreCounted() throws Exception {
    assertEquals("{\"pods\":\"1\"}", compute("metadata: {name: q}\nspec: {hard: {pods: '5'}, scopes: [BestEffort]}")
        .status().get("used").toString());
    assertEquals("{\"pods\":\"2\"}", compute("metadata: {name: q}\nspec: {hard: {pods: '5'},"
        + " scopeSelector: {matchExpressions: [{scopeName: NotTerminating, operator: Exists}]}}")
        .status().get("used").toString());
  }

  @Test
  void anUnchangedCountIsNotWrittenAgainButAnEditedStatusIs() throws Exception {
    String counted = "metadata: {name: q}\nspec: {hard: {secrets: '5'}}\nstatus: {hard: {secrets: '5'}, used: {secrets: '2'}}";
    assertFalse(compute(counted).changed());
    assertTrue(compute(counted.replace("status: {hard: {secrets: '5'}", "status: {hard: {secrets: '9'}")).changed());
  }

  @Test
  void aPodInItsDeletionGracePeriodIsRecheckedWhenItEnds() throws Exception {
    ObjectNode leaving = pod("leaving", "cpu: 1m", "cpu: 1m");
    leaving.withObjectProperty("metadata").put("deletionTimestamp", "2024-05-01T12:00:10Z")
        .put("deletionGracePeriodSeconds", 30);
    QuotaStatus status = QuotaStatus.compute(yaml("metadata: {name: q}\nspec: {hard: {pods: '5'}}"),
        type -> type == ResourceTypes.PODS ? List.of(leaving) : List.of(), NOW);
    assertEquals(Optional.of(Instant.parse("2024-05-01T12:00:40Z")), status.recheckAt());
  }
}
