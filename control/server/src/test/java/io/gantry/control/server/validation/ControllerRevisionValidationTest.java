package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ValidateControllerRevision and its update: data mandatory and immutable, revision not negative. */
class ControllerRevisionValidationTest {

  private static final String REVISION = """
      apiVersion: apps/v1
      kind: ControllerRevision
      metadata: {name: web-6d4cf56db6, namespace: default}
      revision: 2
      data: {spec: {template: {spec: {containers: [{name: web, image: nginx}]}}}}
      """;

  @Test
  void aRevisionAsControllersWriteItPasses() {
    assertEquals(List.of(), create(ResourceTypes.CONTROLLERREVISIONS, REVISION));
  }

  @Test
  void dataIsMandatoryAndTheRevisionNotNegative() {
    assertEquals(List.of("data: Required value: data is mandatory", "revision: Invalid value: -1: must be greater than or"
        + " equal to 0"), create(ResourceTypes.CONTROLLERREVISIONS, "metadata: {name: r, namespace: default}\nrevision: -1"));
  }

  @Test
  void dataNeverChangesButTheRevisionMay() {
    assertEquals(List.of(), update(ResourceTypes.CONTROLLERREVISIONS, REVISION.replace("revision: 2", "revision: 5"),
        REVISION));
    List<String> errors = update(ResourceTypes.CONTROLLERREVISIONS, REVISION.replace("image: nginx", "image: httpd"),
        REVISION);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals(true, errors.get(0).startsWith("data: Invalid value: ") && errors.get(0).endsWith(": field is immutable"),
        errors.get(0));
  }
}
