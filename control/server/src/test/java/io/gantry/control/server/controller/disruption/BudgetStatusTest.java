package io.gantry.control.server.controller.disruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The disruption controller's counts, after upstream's trySync. */
class BudgetStatusTest {

  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  /** A Deployment "web" (uid d1) of 4 replicas owns every pod that names ReplicaSet rs1. */
  private static final BudgetStatus.Scales DEPLOYMENT_OF_FOUR = (namespace, ref) ->
      ref.path("uid").asText().equals("rs1") ? Optional.of(new BudgetStatus.Scale("d1", 4)) : Optional.empty();

  @Test
  void anIntegerMinAvailableCountsTheSelectedPods() throws Exception {
    BudgetStatus computed = compute("{minAvailable: 2, selector: {matchLabels: {app: web}}}",
        List.of(pod("a", true), pod("b", true), pod("c", false), other("x")));

    assertEquals("{\"observedGeneration\":3,\"disruptionsAllowed\":0,\"currentHealthy\":2,\"desiredHealthy\":2,"
        + "\"expectedPods\":3,\"conditions\":[{\"type\":\"DisruptionAllowed\",\"status\":\"False\",\"observedGeneration\""
        + ":3,\"lastTransitionTime\":\"2026-11-24T10:00:00Z\",\"reason\":\"InsufficientPods\",\"message\":\"\"}]}",
        computed.status().toString());
  }

  @Test
  void aPercentageOrMaxUnavailableCountsTheControllersReplicasRoundingUp() throws Exception {
    List<ObjectNode> pods = List.of(pod("a", true), pod("b", true), pod("c", true));

    ObjectNode minPercent = compute("{minAvailable: 50%, selector: {matchLabels: {app: web}}}", pods).status();
    ObjectNode maxUnavailable = compute("{maxUnavailable: 1, selector: {matchLabels: {app: web}}}", pods).status();

    assertEquals("expected 4 desired 2 allowed 1", counts(minPercent));
    assertEquals("expected 4 desired 3 allowed 0", counts(maxUnavailable));
    assertEquals("SufficientPods", minPercent.at("/conditions/0/reason").asText());
  }

  @Test
  void podsWithoutAControllerAreReportedAndNotCounted() throws Exception {
    ObjectNode bare = pod("bare", true);
    ((ObjectNode) bare.get("metadata")).remove("ownerReferences");

    BudgetStatus computed = compute("{maxUnavailable: 50%, selector: {matchLabels: {app: web}}}",
        List.of(pod("a", true), bare));

    assertEquals(List.of("bare"), computed.unmanaged());
    assertEquals("expected 4 desired 2 allowed 0", counts(computed.status()));
  }

  @Test
  void aControllerOfAKindNotServedFailsTheCount() {
    BudgetStatus.Scales none = (namespace, ref) -> {
      throw new BudgetStatus.CountFailure("no matches for kind \"StatefulSet\" in version \"apps/v1\"");
    };

    assertThrows(BudgetStatus.CountFailure.class, () -> BudgetStatus.compute(budget("{maxUnavailable: 1, selector: {}}"),
        List.of(pod("a", true)), none, NOW));
  }

  @Test
  void aPodAnEvictionIsDeletingIsNotHealthyUntilTheTimeout() throws Exception {
    ObjectNode budget = budget("{minAvailable: 1, selector: {matchLabels: {app: web}}}");
    budget.putObject("status").putObject("disruptedPods").put("a", "2026-11-24T09:59:00Z")
        .put("gone", "2026-11-24T09:59:30Z").put("stale", "2026-11-24T09:50:00Z");
    ObjectNode deleting = pod("d", true);
    ((ObjectNode) deleting.get("metadata")).put("deletionTimestamp", "2026-11-24T09:59:59Z");

    BudgetStatus computed = BudgetStatus.compute(budget,
        List.of(pod("a", true), pod("stale", true), pod("b", true), deleting), DEPLOYMENT_OF_FOUR, NOW);

    assertEquals("{\"a\":\"2026-11-24T09:59:00Z\"}", computed.status().path("disruptedPods").toString(),
        "pods gone, being deleted or past the two minutes leave the map");
    assertEquals(2, computed.status().path("currentHealthy").asInt(), "b and stale");
    assertEquals(Optional.of(Instant.parse("2026-11-24T10:01:00Z")), computed.recheckAt());
  }

  @Test
  void aBudgetThatSelectsNothingAllowsNothing() throws Exception {
    BudgetStatus none = compute("{minAvailable: 0, selector: {matchLabels: {app: none}}}", List.of(pod("a", true)));
    BudgetStatus noSelector = compute("{minAvailable: 0}", List.of(pod("a", true)));
    BudgetStatus everything = compute("{minAvailable: 0, selector: {}}", List.of(pod("a", true), other("x")));

    assertTrue(none.noPods());
    assertEquals("expected 0 desired 0 allowed 0", counts(none.status()));
    assertTrue(noSelector.noPods(), "a missing selector matches no pod in policy/v1");
    assertEquals("expected 2 desired 0 allowed 2", counts(everything.status()), "an empty one matches all");
  }

  @Test
  void theConditionKeepsItsTransitionTimeWhileItsStatusHolds() throws Exception {
    ObjectNode budget = budget("{minAvailable: 1, selector: {matchLabels: {app: web}}}");
    ObjectNode before = BudgetStatus.compute(budget, List.of(pod("a", true), pod("b", true)), DEPLOYMENT_OF_FOUR,
        NOW).status();
    budget.set("status", before);

    ObjectNode later = BudgetStatus.compute(budget, List.of(pod("a", true), pod("b", true), pod("c", true)),
        DEPLOYMENT_OF_FOUR, NOW.plusSeconds(60)).status();
    ObjectNode lost = BudgetStatus.compute(budget, List.of(pod("a", true)), DEPLOYMENT_OF_FOUR, NOW.plusSeconds(90))
        .status();

    assertEquals("2026-11-24T10:00:00Z", later.at("/conditions/0/lastTransitionTime").asText());
    assertEquals("False 2026-11-24T10:01:30Z", lost.at("/conditions/0/status").asText() + " "
        + lost.at("/conditions/0/lastTransitionTime").asText());
  }

  private static BudgetStatus compute(String spec, List<ObjectNode> pods) throws Exception {
    return BudgetStatus.compute(budget(spec), new ArrayList<>(pods), DEPLOYMENT_OF_FOUR, NOW);
  }

  private static String counts(ObjectNode status) {
    return "expected " + status.path("expectedPods").asLong() + " desired " + status.path("desiredHealthy").asLong()
        + " allowed " + status.path("disruptionsAllowed").asLong();
  }

  private static ObjectNode budget(String spec) {
    ObjectNode budget = json("{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"generation\":3}}");
    try {
      budget.set("spec", Json.YAML.readTree(spec));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return budget;
  }

  private static ObjectNode pod(String name, boolean ready) {
    return json("{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"labels\":{\"app\":\"web\"},"
        + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"web-1\",\"uid\":\"rs1\","
        + "\"controller\":true}]},\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\""
        + (ready ? "True" : "False") + "\"}]}}");
  }

  private static ObjectNode other(String name) {
    return json("{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"labels\":{\"app\":\"other\"}},"
        + "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theSelectorIsPrintedAsGoPrintsItInEvents() {
    ObjectNode budget = budget("{selector: {matchLabels: {tier: db, app: web}, matchExpressions: [{key: env, operator: In,"
        + " values: [a, b]}]}}");

    assertEquals("&LabelSelector{MatchLabels:map[string]string{app: web,tier: db,},MatchExpressions:"
        + "[]LabelSelectorRequirement{LabelSelectorRequirement{Key:env,Operator:In,Values:[a b],},},}",
        BudgetStatus.selectorText(budget));
    assertEquals("nil", BudgetStatus.selectorText(budget("{minAvailable: 1}")));
  }
}
