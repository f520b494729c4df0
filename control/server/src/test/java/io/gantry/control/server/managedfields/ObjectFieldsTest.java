package io.gantry.control.server.managedfields;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectFieldsTest {

  @Test
  void anAppliedDeploymentOwnsItsLeavesAndKeyedElements() {
    JsonNode configuration = json("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo","labels":{"app":"web"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"web","image":"nginx","ports":[{"containerPort":80}]}]}}}}""");

    FieldSet applied = ObjectFields.of(ResourceTypes.DEPLOYMENTS, null).applied(configuration);

    // the shape kube-apiserver records for the same configuration
    assertEquals(json("""
        {"f:metadata":{"f:labels":{"f:app":{}}},
         "f:spec":{"f:replicas":{},"f:selector":{},
          "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
           "f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{},
            "f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}"""),
        applied.toFieldsV1());
  }

  @Test
  void aBudgetsSelectorIsOwnedWholeAndItsConditionsByType() {
    JsonNode configuration = json("""
        {"spec":{"minAvailable":1,"selector":{"matchLabels":{"foo":"bar"}}},
         "status":{"conditions":[{"type":"Foo","status":"True"}]}}""");

    assertEquals(json("{\"f:spec\":{\"f:minAvailable\":{},\"f:selector\":{}}}"),
        ObjectFields.of(ResourceTypes.PODDISRUPTIONBUDGETS, null).applied(configuration).toFieldsV1());
    assertEquals(json("""
        {"f:status":{"f:conditions":{"k:{\\"type\\":\\"Foo\\"}":{".":{},"f:status":{},"f:type":{}}}}}"""),
        ObjectFields.of(ResourceTypes.PODDISRUPTIONBUDGETS, "status").applied(configuration).toFieldsV1());
  }

  @Test
  void aJobsSelectorAndABindingsRoleRefAreOwnedWhole() {
    assertEquals(json("{\"f:spec\":{\"f:selector\":{}}}"), ObjectFields.of(ResourceTypes.JOBS, null)
        .applied(json("{\"spec\":{\"selector\":{\"matchLabels\":{\"m\":\"2\"}}}}")).toFieldsV1());
    assertEquals(json("{\"f:roleRef\":{}}"), ObjectFields.of(ResourceTypes.ROLEBINDINGS, null)
        .applied(json("{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"r\"}}"))
        .toFieldsV1());
  }

  @Test
  void setListsOwnValuesAndServiceStatusIsNotOwnedThroughTheMainResource() {
    JsonNode configuration = json("""
        {"metadata":{"name":"s","finalizers":["a","b"]},"spec":{"ports":[{"port":53,"protocol":"UDP"}]},
         "status":{"loadBalancer":{"ingress":[{"ip":"127.0.0.1"}]}}}""");

    FieldSet applied = ObjectFields.of(ResourceTypes.SERVICES, null).applied(configuration);

    assertEquals(json("""
        {"f:metadata":{"f:finalizers":{"v:\\"a\\"":{},"v:\\"b\\"":{}}},
         "f:spec":{"f:ports":{"k:{\\"port\\":53,\\"protocol\\":\\"UDP\\"}":{".":{},"f:port":{},"f:protocol":{}}}}}"""),
        applied.toFieldsV1());
    assertEquals(json("{\"f:status\":{\"f:loadBalancer\":{\"f:ingress\":{}}}}"),
        ObjectFields.of(ResourceTypes.SERVICES, "status").applied(configuration).toFieldsV1());
  }

  @Test
  void comparisonNamesAddedMapsModifiedLeavesAndRemovedElements() {
    JsonNode before = json("""
        {"metadata":{"name":"p","resourceVersion":"1"},
         "spec":{"containers":[{"name":"a","image":"x:1"},{"name":"b","image":"y"}]}}""");
    JsonNode after = json("""
        {"metadata":{"name":"p","resourceVersion":"2","labels":{"k":"v"}},
         "spec":{"containers":[{"name":"a","image":"x:2"}]}}""");

    Comparison change = ObjectFields.of(ResourceTypes.PODS, null).compare(before, after);

    assertEquals(FieldSet.of(List.of(List.of("f:metadata", "f:labels"), List.of("f:metadata", "f:labels", "f:k"))),
        change.added());
    assertEquals(FieldSet.of(List.of(List.of("f:spec", "f:containers", "k:{\"name\":\"a\"}", "f:image"))),
        change.modified());
    assertEquals(FieldSet.of(List.of(
            List.of("f:spec", "f:containers", "k:{\"name\":\"b\"}"),
            List.of("f:spec", "f:containers", "k:{\"name\":\"b\"}", "f:name"),
            List.of("f:spec", "f:containers", "k:{\"name\":\"b\"}", "f:image"))),
        change.removed());
  }

  @Test
  void numbersCompareByValue() {
    Comparison change = ObjectFields.of(ResourceTypes.DEPLOYMENTS, null)
        .compare(json("{\"spec\":{\"replicas\":2}}"), json("{\"spec\":{\"replicas\":2.0}}"));
    assertEquals(true, change.isEmpty(), change::toString);
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
