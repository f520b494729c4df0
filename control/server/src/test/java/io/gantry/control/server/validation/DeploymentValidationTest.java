package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentValidationTest {

  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: default, labels: {app: web}}
      spec:
        replicas: 3
        revisionHistoryLimit: 5
        selector:
          matchLabels: {app: web}
          matchExpressions: [{key: tier, operator: In, values: [frontend, edge]}]
        strategy:
          type: RollingUpdate
          rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
        template:
          metadata: {labels: {app: web, tier: frontend}}
          spec:
            containers:
            - name: web
              image: nginx:1.27
              ports: [{containerPort: 80}]
      """;

  private static List<String> deployment(String spec) {
    return create(ResourceTypes.DEPLOYMENTS, "metadata: {name: web, namespace: default}\nspec:\n" + spec.indent(2));
  }

  private static final String TEMPLATE = "template: {metadata: {labels: {app: x}}, spec: {containers: [{name: c,"
      + " image: nginx}]}}";

  @Test
  void realisticDeploymentPasses() {
    assertEquals(List.of(), create(ResourceTypes.DEPLOYMENTS, DEPLOYMENT));
  }

  @Test
  void selectorRequired() {
    assertEquals(List.of("spec.selector: Required value"), deployment(TEMPLATE));
  }

  @Test
  void emptySelectorRejected() {
    assertEquals(List.of("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{},"
        + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"),
        deployment("selector: {matchLabels: {}}\n" + TEMPLATE));
  }

  @Test
  void selectorMustMatchTemplateLabels() {
    assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector`"
        + " does not match template `labels`"), deployment("selector: {matchLabels: {app: y}}\n" + TEMPLATE));
  }

  @Test
  void templateImageRequired() {
    assertEquals(List.of("spec.template.spec.containers[0].image: Required value"),
        deployment("selector: {matchLabels: {app: x}}\ntemplate: {metadata: {labels: {app: x}}, spec: {containers:"
            + " [{name: c}]}}"));
  }

  @Test
  void templateRestartPolicyMustBeAlways() {
    assertEquals(List.of("spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values:"
        + " \"Always\""), deployment("selector: {matchLabels: {app: x}}\ntemplate: {metadata: {labels: {app: x}},"
        + " spec: {restartPolicy: Never, containers: [{name: c, image: nginx}]}}"));
  }

  @Test
  void numbersNonNegative() {
    assertEquals(List.of("spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0",
            "spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0"),
        deployment("replicas: -1\nminReadySeconds: -5\nrevisionHistoryLimit: -2\n"
            + "selector: {matchLabels: {app: x}}\n" + TEMPLATE));
  }

  @Test
  void strategy() {
    assertEquals(List.of("spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"Canary\","
        + " RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: \"Recreate\", \"RollingUpdate\""),
        deployment("strategy: {type: Canary}\nselector: {matchLabels: {app: x}}\n" + TEMPLATE));
    assertEquals(List.of("spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is"
        + " 'Recreate'"), deployment("strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}\n"
        + "selector: {matchLabels: {app: x}}\n" + TEMPLATE));
  }

  @Test
  void maxSurgeAndMaxUnavailable() {
    assertEquals(List.of("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0,"
        + " IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"),
        deployment("strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}\nselector: {matchLabels: {app: x}}\n"
            + TEMPLATE));
    assertEquals(List.of("spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0,"
        + " StrVal:\"half\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%', "
        + " or '93%', regex used for validation is '[0-9]+%')"),
        deployment("strategy: {rollingUpdate: {maxSurge: half}}\nselector: {matchLabels: {app: x}}\n" + TEMPLATE));
    assertEquals(List.of("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1,"
        + " IntVal:0, StrVal:\"150%\"}: must not be greater than 100%"),
        deployment("strategy: {rollingUpdate: {maxUnavailable: 150%}}\nselector: {matchLabels: {app: x}}\n"
            + TEMPLATE));
  }

  @Test
  void selectorExpressionsAreValidated() {
    assertEquals(List.of("spec.selector.matchExpressions[0].values: Required value: must be specified when"
        + " `operator` is 'In' or 'NotIn'"),
        deployment("selector: {matchLabels: {app: x}, matchExpressions: [{key: tier, operator: In}]}\n" + TEMPLATE));
    assertEquals(List.of("spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator`"
        + " is 'Exists' or 'DoesNotExist'"), deployment("selector: {matchLabels: {app: x}, matchExpressions:"
        + " [{key: tier, operator: Exists, values: [a]}]}\n" + TEMPLATE));
    assertEquals(List.of("spec.selector.matchExpressions[0].operator: Invalid value: \"Is\": not a valid selector"
        + " operator"), deployment("selector: {matchLabels: {app: x}, matchExpressions: [{key: tier, operator: Is,"
        + " values: [a]}]}\n" + TEMPLATE));
  }

  @Test
  void selectorIsImmutable() {
    String now = "metadata: {name: web, namespace: default}\nspec: {selector: {matchLabels: {app: nginx2}},"
        + " template: {metadata: {labels: {app: nginx2}}, spec: {containers: [{name: c, image: nginx}]}}}";
    String old = now.replace("nginx2", "nginx");
    assertEquals(List.of("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":"
        + "\"nginx2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"),
        update(ResourceTypes.DEPLOYMENTS, now, old));
  }

  @Test
  void replicaSetsShareTheRules() {
    assertEquals(List.of("spec.selector: Required value"),
        create(ResourceTypes.REPLICASETS, "metadata: {name: web-1, namespace: default}\nspec:\n  " + TEMPLATE));
    assertEquals(List.of(), create(ResourceTypes.REPLICASETS, "metadata: {name: web-1, namespace: default}\n"
        + "spec:\n  replicas: 2\n  selector: {matchLabels: {app: x}}\n  " + TEMPLATE));
  }
}
