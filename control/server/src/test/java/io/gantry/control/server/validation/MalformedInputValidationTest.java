package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests are hostile: wrong JSON shapes must yield field errors, never exceptions. */
class MalformedInputValidationTest {

  private static final List<String> DOCUMENTS = List.of(
      "{}",
      "metadata: x\nspec: [1, 2]",
      "metadata: {name: 5, labels: [a], annotations: x}\nspec: {containers: x, ports: {a: b}, selector: [x]}",
      "metadata: {name: a, namespace: b}\nspec: {containers: [1, null, {name: [x], ports: [x, {containerPort: abc}]}],"
          + " volumes: [x, {name: v, a: null}], template: [], strategy: x, rules: [x, {http: {paths: [x]}}],"
          + " ports: [x, {port: abc, targetPort: [1]}], ingress: [{from: [x], ports: [x]}], policyTypes: x,"
          + " selector: {matchExpressions: [x, {values: [[1]]}]}, tls: [{hosts: [1]}], sessionAffinity: 5}\n"
          + "data: {a: [1]}\nbinaryData: {b: 1}\nendpoints: [x, {addresses: x}]\nsubsets: [x]\ntype: [1]");

  @Test
  void everyKindToleratesWrongShapes() {
    for (ResourceType type : ResourceTypes.ALL) {
      for (String doc : DOCUMENTS) {
        ObjectNode object = yaml(doc);
        assertDoesNotThrow(() -> ObjectValidator.validateUpdate(type, object, yaml(doc)), type.kind() + ": " + doc);
        assertDoesNotThrow(() -> ObjectValidator.validateUpdate(type, object, yaml("{}")), type.kind() + ": " + doc);
      }
    }
  }

  @Test
  void wrongTypesAreReportedNotIgnored() {
    List<FieldError> errs = ObjectValidator.validateCreate(ResourceTypes.SERVICES,
        yaml("metadata: {name: web, namespace: default}\nspec: {ports: [{port: http}]}"));
    assertEquals(List.of("spec.ports[0].port: Invalid value: \"http\": must be an integer"),
        errs.stream().map(FieldError::message).toList());
    assertFalse(ObjectValidator.validateCreate(ResourceTypes.PODS, yaml("metadata: {name: p, namespace: d}\n"
        + "spec: {containers: [{name: c, image: i, ports: [{containerPort: abc}]}]}")).isEmpty());
  }
}
