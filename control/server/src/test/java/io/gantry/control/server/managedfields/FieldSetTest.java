package io.gantry.control.server.managedfields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.json.Json;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldSetTest {

  @Test
  void encodesMembersWithChildrenWithADot() throws IOException {
    FieldSet set = FieldSet.of(List.of(
        List.of("f:metadata", "f:labels"),
        List.of("f:metadata", "f:labels", "f:app"),
        List.of("f:spec", "f:replicas")));

    assertEquals(json("""
        {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{}}}"""), set.toFieldsV1());
  }

  @Test
  void decodesWhatItEncodes() throws IOException {
    JsonNode fields = json("""
        {"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},
         "f:name":{}}}}}},"f:metadata":{"f:finalizers":{"v:\\"a/b\\"":{}}}}""");

    FieldSet set = FieldSet.fromFieldsV1(fields);

    assertEquals(4, set.paths().size(), set::toString);
    assertTrue(set.contains(List.of("f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}")));
    assertTrue(set.contains(List.of("f:metadata", "f:finalizers", "v:\"a/b\"")));
    assertEquals(fields, set.toFieldsV1());
  }

  @Test
  void describesPathsAsConflictMessagesDo() {
    assertEquals(".spec.replicas", FieldSet.describe(List.of("f:spec", "f:replicas")));
    assertEquals(".spec.template.spec.containers[name=\"web\"].image", FieldSet.describe(
        List.of("f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}", "f:image")));
    assertEquals(".spec.ports[port=80,protocol=\"TCP\"]",
        FieldSet.describe(List.of("f:spec", "f:ports", "k:{\"port\":80,\"protocol\":\"TCP\"}")));
    assertEquals(".metadata.finalizers[=\"x\"]", FieldSet.describe(List.of("f:metadata", "f:finalizers", "v:\"x\"")));
  }

  @Test
  void setAlgebra() {
    FieldSet a = FieldSet.of(List.of(List.of("f:a"), List.of("f:b", "f:c")));
    FieldSet b = FieldSet.of(List.of(List.of("f:b", "f:c"), List.of("f:d")));

    assertEquals(FieldSet.of(List.of(List.of("f:b", "f:c"))), a.intersect(b));
    assertEquals(FieldSet.of(List.of(List.of("f:a"))), a.minus(b));
    assertEquals(3, a.union(b).paths().size());
    assertTrue(a.hasBelow(List.of("f:b")));
    assertTrue(!a.hasBelow(List.of("f:b", "f:c")));
  }

  @Test
  void rejectsWhatIsNotFieldsV1() {
    IllegalArgumentException element = assertThrows(IllegalArgumentException.class,
        () -> FieldSet.fromFieldsV1(json("{\"spec\":{}}")));
    assertEquals("fieldsV1 at : element \"spec\" (expected: \".\" or a prefix f:, k:, v: or i:)", element.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FieldSet.fromFieldsV1(json("{\"f:spec\":3}")));
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
