package io.gantry.control.server.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidationMessageTest {

  private static final FieldPath PORT = FieldPath.root("spec", "ports").index(0).child("port");

  @Test
  void invalidPrintsNumbersBare() {
    FieldError e = FieldError.invalid(PORT, 70000L, "must be between 1 and 65535, inclusive");
    assertEquals("spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive", e.message());
    assertEquals("FieldValueInvalid", e.type().reason());
    assertEquals("Invalid value: 70000: must be between 1 and 65535, inclusive", e.body());
  }

  @Test
  void requiredAndForbiddenOmitTheValue() {
    assertEquals("metadata.name: Required value: name or generateName is required",
        FieldError.required(FieldPath.root("metadata", "name"), "name or generateName is required").message());
    assertEquals("metadata.namespace: Required value", FieldError.required(FieldPath.root("metadata", "namespace"), "")
        .message());
    assertEquals("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
        FieldError.forbidden(FieldPath.root("spec", "ports").index(0).child("nodePort"),
            "may not be used when `type` is 'ClusterIP'").message());
    assertEquals("FieldValueForbidden", FieldError.Type.FORBIDDEN.reason());
  }

  @Test
  void notSupportedQuotesValueAndChoices() {
    FieldError e = FieldError.notSupported(FieldPath.root("spec", "type"), "Foo", ServiceValidation.TYPES);
    assertEquals("spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\","
        + " \"LoadBalancer\", \"NodePort\"", e.message());
    assertEquals("FieldValueNotSupported", e.type().reason());
  }

  @Test
  void mapsAndSlicesRenderAsGoLiterals() {
    FieldError e = FieldError.invalid(FieldPath.root("spec", "template", "metadata", "labels"),
        Map.of("tier", "b", "app", "x"), "`selector` does not match template `labels`");
    assertEquals("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\", \"tier\":\"b\"}:"
        + " `selector` does not match template `labels`", e.message());
    assertEquals("spec.clusterIPs: Invalid value: []string{\"a\", \"b\"}: x",
        FieldError.invalid(FieldPath.root("spec", "clusterIPs"), List.of("a", "b"), "x").message());
  }

  @Test
  void stringsAreQuotedLikeGo() {
    assertEquals("\"a\\\"b\\\\c\\n\\x01é\"", GoFormat.quote("a\"b\\c\n\u0001é"));
  }

  @Test
  void tooLongTooManyAndDuplicate() {
    assertEquals("metadata.annotations: Too long: may not be more than 262144 bytes",
        FieldError.tooLong(FieldPath.root("metadata", "annotations"), 262144).message());
    assertEquals("endpoints: Too many: 1001: must have at most 1000 items",
        FieldError.tooMany(FieldPath.root("endpoints"), 1001, 1000).message());
    assertEquals("spec.ports[1].name: Duplicate value: \"http\"",
        FieldError.duplicate(FieldPath.root("spec", "ports").index(1).child("name"), "http").message());
  }

  @Test
  void pathsPrintKeysInBrackets() {
    assertEquals("spec.containers[0].resources.limits[cpu]",
        FieldPath.root("spec", "containers").index(0).child("resources", "limits").key("cpu").toString());
    assertEquals("[]", FieldPath.root("").toString());
  }

  @Test
  void invalidMessageWithOneError() {
    List<FieldError> errs = List.of(FieldError.invalid(PORT, 70000L, "must be between 1 and 65535, inclusive"));
    assertEquals("Service \"web\" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535,"
        + " inclusive", ObjectValidator.invalidMessage("Service", "web", errs));
  }

  @Test
  void invalidMessageWithSeveralErrorsIsBracketedAndDeduplicated() {
    FieldError port = FieldError.invalid(PORT, 70000L, "must be between 1 and 65535, inclusive");
    FieldError type = FieldError.notSupported(FieldPath.root("spec", "type"), "Foo", ServiceValidation.TYPES);
    assertEquals("Service \"web\" is invalid: [spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535,"
        + " inclusive, spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\","
        + " \"LoadBalancer\", \"NodePort\"]", ObjectValidator.invalidMessage("Service", "web", List.of(port, type, port)));
  }

  @Test
  void invalidMessageQualifiesGroupedKinds() {
    List<FieldError> errs = List.of(FieldError.required(FieldPath.root("spec", "selector"), ""));
    assertEquals("Deployment.apps \"web\" is invalid: spec.selector: Required value",
        ObjectValidator.invalidMessage(ResourceTypes.DEPLOYMENTS, "web", errs));
    assertEquals("Service \"web\" is invalid", ObjectValidator.invalidMessage(ResourceTypes.SERVICES, "web", List.of()));
  }
}
