package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ValidateReplicationController: the spec's selector map, replicas and pod template, in upstream's words. */
class ReplicationControllerValidationTest {

  private static final String TEMPLATE = "template: {metadata: {labels: {app: x}}, spec: {containers: [{name: c,"
      + " image: nginx}]}}";

  private static List<String> rc(String spec) {
    return create(ResourceTypes.REPLICATIONCONTROLLERS, "metadata: {name: web, namespace: default}\nspec:\n"
        + spec.indent(2));
  }

  @Test
  void aRealisticControllerPasses() {
    assertEquals(List.of(), create(ResourceTypes.REPLICATIONCONTROLLERS, """
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: web, namespace: default, labels: {app: web}}
        spec:
          replicas: 3
          minReadySeconds: 5
          selector: {app: web}
          template:
            metadata: {labels: {app: web, tier: frontend}}
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports: [{containerPort: 80}]
        """));
  }

  @Test
  void selectorRequired() {
    assertEquals(List.of("spec.selector: Required value"), rc(TEMPLATE));
    assertEquals(List.of("spec.selector: Required value"), rc("selector: {}\n" + TEMPLATE));
  }

  @Test
  void templateRequired() {
    assertEquals(List.of("spec.template: Required value"), rc("selector: {app: x}"));
  }

  @Test
  void selectorIsALabelMapThatMustMatchTheTemplateLabels() {
    assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector`"
        + " does not match template `labels`"), rc("selector: {app: y}\n" + TEMPLATE));
    assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector`"
        + " does not match template `labels`"),
        rc("selector: {app: y}\ntemplate: {spec: {containers: [{name: c, image: nginx}]}}"));
  }

  @Test
  void numbersNonNegativeInUpstreamOrder() {
    assertEquals(List.of("spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0",
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        rc("replicas: -1\nminReadySeconds: -5\nselector: {app: x}\n" + TEMPLATE));
  }

  @Test
  void templateRestartPolicyMustBeAlways() {
    assertEquals(List.of("spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values:"
        + " \"Always\""), rc("selector: {app: x}\ntemplate: {metadata: {labels: {app: x}},"
        + " spec: {restartPolicy: OnFailure, containers: [{name: c, image: nginx}]}}"));
  }

  @Test
  void templateActiveDeadlineIsForbidden() {
    assertEquals(List.of("spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in"
        + " ReplicationController is not Supported"), rc("selector: {app: x}\ntemplate: {metadata: {labels: {app: x}},"
        + " spec: {activeDeadlineSeconds: 30, containers: [{name: c, image: nginx}]}}"));
  }

  @Test
  void thePodTemplateIsValidatedAsAReplicaSetsIs() {
    assertEquals(List.of("spec.template.spec.containers[0].image: Required value"),
        rc("selector: {app: x}\ntemplate: {metadata: {labels: {app: x}}, spec: {containers: [{name: c}]}}"));
  }

  @Test
  void theSelectorMayChange() {
    String now = "metadata: {name: web, namespace: default}\nspec: {selector: {app: nginx2},"
        + " template: {metadata: {labels: {app: nginx2}}, spec: {containers: [{name: c, image: nginx}]}}}";
    assertEquals(List.of(), update(ResourceTypes.REPLICATIONCONTROLLERS, now, now.replace("nginx2", "nginx")));
  }
}
