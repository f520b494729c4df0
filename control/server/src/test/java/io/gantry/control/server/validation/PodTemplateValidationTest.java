package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ValidatePodTemplate and its update: the template as a pod template spec, any valid restart policy. */
class PodTemplateValidationTest {

  private static final String TEMPLATE = """
      apiVersion: v1
      kind: PodTemplate
      metadata: {name: tpl, namespace: default}
      template:
        metadata: {labels: {app: web}}
        spec: {restartPolicy: OnFailure, containers: [{name: web, image: nginx}]}
      """;

  @Test
  void anyValidRestartPolicyPasses() {
    assertEquals(List.of(), create(ResourceTypes.PODTEMPLATES, TEMPLATE));
    assertEquals(List.of(), create(ResourceTypes.PODTEMPLATES, TEMPLATE.replace("OnFailure", "Never")));
  }

  @Test
  void theTemplateIsValidatedWithItsPath() {
    assertEquals(List.of("template.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of"
        + " alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g."
        + " 'MyValue',  or 'my_value',  or '12345', regex used for validation is"
        + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
        create(ResourceTypes.PODTEMPLATES, TEMPLATE.replace("app: web", "app: \"-bad\"")));
    assertEquals(List.of("template.spec.containers: Required value"),
        create(ResourceTypes.PODTEMPLATES, "metadata: {name: tpl, namespace: default}\ntemplate: {}"));
    assertEquals(List.of("template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\","
        + " \"OnFailure\", \"Never\""), create(ResourceTypes.PODTEMPLATES, TEMPLATE.replace("OnFailure", "Sometimes")));
  }

  @Test
  void anUpdateMayChangeTheTemplateButIsValidatedAgain() {
    assertEquals(List.of(), update(ResourceTypes.PODTEMPLATES, TEMPLATE.replace("nginx", "httpd"), TEMPLATE));
    assertEquals(List.of("template.spec.containers[0].image: Required value"),
        update(ResourceTypes.PODTEMPLATES, TEMPLATE.replace("image: nginx", "image: \"\""), TEMPLATE));
  }
}
