package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** policy/v1 PodDisruptionBudgets: the budget, the selector, the eviction policy, and the status. */
class PodDisruptionBudgetValidationTest {

  private static List<String> budget(String spec) {
    return create(ResourceTypes.PODDISRUPTIONBUDGETS, "metadata: {name: web, namespace: default}\nspec: " + spec);
  }

  @Test
  void aCountOrAPercentagePasses() {
    assertEquals(List.of(), budget("{minAvailable: 2, selector: {matchLabels: {app: web}}}"));
    assertEquals(List.of(), budget("{maxUnavailable: 25%, selector: {matchLabels: {app: web}},"
        + " unhealthyPodEvictionPolicy: AlwaysAllow}"));
    assertEquals(List.of(), budget("{selector: {}}"));
  }

  @Test
  void bothBudgetsAtOnceAreRefused() {
    assertEquals(List.of("spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:&intstr.IntOrString{Type:0,"
        + " IntVal:1, StrVal:\"\"}, Selector:(*v1.LabelSelector)(nil), MaxUnavailable:&intstr.IntOrString{Type:1,"
        + " IntVal:0, StrVal:\"10%\"}, UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}:"
        + " minAvailable and maxUnavailable cannot be both set"),
        budget("{minAvailable: 1, maxUnavailable: 10%}"));
  }

  @Test
  void budgetsAreNonNegativeCountsOrPercentagesUpTo100() {
    assertEquals(List.of("spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"),
        budget("{minAvailable: -1}"));
    assertEquals(List.of("spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"120%\"}:"
        + " must not be greater than 100%"), budget("{maxUnavailable: 120%}"));
    assertEquals(List.of("spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"half\"}:"
        + " a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex"
        + " used for validation is '[0-9]+%')"), budget("{minAvailable: half}"));
  }

  @Test
  void theSelectorAndTheEvictionPolicyAreChecked() {
    assertEquals(List.of("spec.selector.matchExpressions[0].operator: Invalid value: \"Has\": not a valid selector"
        + " operator"), budget("{minAvailable: 1, selector: {matchExpressions: [{key: app, operator: Has}]}}"));
    assertEquals(List.of("spec.unhealthyPodEvictionPolicy: Unsupported value: \"Never\": supported values:"
        + " \"AlwaysAllow\", \"IfHealthyBudget\""), budget("{minAvailable: 1, unhealthyPodEvictionPolicy: Never}"));
  }

  @Test
  void theStatusHasNonNegativeCountsAndWellFormedConditions() {
    List<String> errors = create(ResourceTypes.PODDISRUPTIONBUDGETS, """
        metadata: {name: web, namespace: default}
        spec: {minAvailable: 1}
        status:
          disruptionsAllowed: -1
          currentHealthy: 0
          desiredHealthy: 0
          expectedPods: 0
          conditions:
          - {type: DisruptionAllowed, status: "yes", reason: "not a reason"}
          - {type: DisruptionAllowed, status: "True", reason: SufficientPods, lastTransitionTime: "2026-01-02T03:04:05Z"}
        """);

    assertEquals(List.of(
        "status.conditions[0].status: Unsupported value: \"yes\": supported values: \"False\", \"True\", \"Unknown\"",
        "status.conditions[0].lastTransitionTime: Required value: must be set",
        "status.conditions[0].reason: Invalid value: \"not a reason\": a condition reason must start with alphabetic"
            + " character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an"
            + " alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB', "
            + " or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')",
        "status.conditions[1].type: Duplicate value: \"DisruptionAllowed\"",
        "status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0"), errors);
  }
}
