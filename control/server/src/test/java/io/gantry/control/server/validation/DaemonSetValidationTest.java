package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ValidateDaemonSet, ValidateDaemonSetSpec, ValidateDaemonSetUpdateStrategy and the update checks, on
 * DaemonSets as defaulting leaves them (RollingUpdate 1/0).
 */
class DaemonSetValidationTest {

  private static final String DS = """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: agent, namespace: default}
      spec:
        selector: {matchLabels: {app: agent}}
        updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}
        revisionHistoryLimit: 10
        template:
          metadata: {labels: {app: agent}}
          spec: {containers: [{name: agent, image: busybox}]}
      """;

  @Test
  void aDefaultedDaemonSetPasses() {
    assertEquals(List.of(), create(ResourceTypes.DAEMONSETS, DS));
    assertEquals(List.of(), create(ResourceTypes.DAEMONSETS,
        DS.replace("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}", "{type: OnDelete}")));
    assertEquals(List.of(), create(ResourceTypes.DAEMONSETS, DS.replace("maxUnavailable: 1, maxSurge: 0",
        "maxUnavailable: 0, maxSurge: 25%")));
  }

  @Test
  void theSelectorMustMatchTheTemplateAndNotBeEmpty() {
    assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"agent\"}: "
        + "`selector` does not match template `labels`"),
        create(ResourceTypes.DAEMONSETS, DS.replace("matchLabels: {app: agent}", "matchLabels: {app: other}")));
    // a missing selector selects nothing, as LabelSelectorAsSelector(nil)
    assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"agent\"}: "
        + "`selector` does not match template `labels`"),
        create(ResourceTypes.DAEMONSETS, DS.replace("  selector: {matchLabels: {app: agent}}\n", "")));
    assertEquals(List.of("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset"),
        create(ResourceTypes.DAEMONSETS, DS.replace("{matchLabels: {app: agent}}", "{}")));
  }

  @Test
  void podsMustAlwaysRestartAndCountsMayNotBeNegative() {
    assertEquals(List.of("spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""),
        create(ResourceTypes.DAEMONSETS, DS.replace("spec: {containers:", "spec: {restartPolicy: Never, containers:")));
    assertEquals(List.of("spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is"
        + " not Supported"), create(ResourceTypes.DAEMONSETS,
        DS.replace("spec: {containers:", "spec: {activeDeadlineSeconds: 5, containers:")));
    assertEquals(List.of("spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
        "spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0"),
        create(ResourceTypes.DAEMONSETS, DS.replace("revisionHistoryLimit: 10", "revisionHistoryLimit: -2\n  minReadySeconds: -1")));
    assertEquals(List.of("status.numberReady: Invalid value: -1: must be greater than or equal to 0"),
        create(ResourceTypes.DAEMONSETS, DS + "status: {numberReady: -1}\n"));
  }

  @Test
  void rollingUpdateNeedsExactlyOneOfUnavailableAndSurgeAndAtMostAHundredPercent() {
    assertEquals(List.of("spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"),
        create(ResourceTypes.DAEMONSETS, DS.replace("maxUnavailable: 1, maxSurge: 0", "maxUnavailable: 0%, maxSurge: 0")));
    assertEquals(List.of("spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1,"
        + " StrVal:\"\"}: may not be set when maxUnavailable is non-zero"),
        create(ResourceTypes.DAEMONSETS, DS.replace("maxUnavailable: 1, maxSurge: 0", "maxUnavailable: 1, maxSurge: 1")));
    assertEquals(List.of("spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1,"
        + " IntVal:0, StrVal:\"150%\"}: must not be greater than 100%"),
        create(ResourceTypes.DAEMONSETS, DS.replace("maxUnavailable: 1, maxSurge: 0", "maxUnavailable: 150%, maxSurge: 0")));
    assertEquals(List.of("spec.updateStrategy.rollingUpdate: Required value"),
        create(ResourceTypes.DAEMONSETS, DS.replace("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}",
            "{type: RollingUpdate}")));
    assertEquals(List.of("spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:\"Recreate\","
        + " RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: \"RollingUpdate\", \"OnDelete\""),
        create(ResourceTypes.DAEMONSETS, DS.replace("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}",
            "{type: Recreate}")));
  }

  @Test
  void theSelectorIsImmutableAndTheCollisionCountNeverGoesDown() {
    String wider = DS.replace("matchLabels: {app: agent}", "matchLabels: {app: agent, tier: node}")
        .replace("labels: {app: agent}", "labels: {app: agent, tier: node}");
    List<String> errors = update(ResourceTypes.DAEMONSETS, wider, DS);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals(true, errors.get(0).startsWith("spec.selector: Invalid value: ")
        && errors.get(0).endsWith("field is immutable"), errors.get(0));
    assertEquals(List.of(), update(ResourceTypes.DAEMONSETS, DS.replace("image: busybox", "image: busybox:1.36"), DS));
    assertEquals(List.of("status.collisionCount: Invalid value: 1: cannot be decremented"),
        update(ResourceTypes.DAEMONSETS, DS + "status: {collisionCount: 1}\n", DS + "status: {collisionCount: 2}\n"));
  }
}
