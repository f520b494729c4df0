package io.gantry.control.server.patch;

import static io.gantry.control.server.patch.PatchFixtures.deployment;
import static io.gantry.control.server.patch.PatchFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PatchesTest {

  @Test
  void contentTypes() {
    assertEquals(Optional.of(PatchType.STRATEGIC_MERGE_PATCH),
        PatchType.fromContentType("application/strategic-merge-patch+json"));
    assertEquals(Optional.of(PatchType.MERGE_PATCH), PatchType.fromContentType("Application/Merge-Patch+JSON; charset=utf-8"));
    assertEquals(Optional.of(PatchType.JSON_PATCH), PatchType.fromContentType(" application/json-patch+json "));
    assertEquals(Optional.of(PatchType.APPLY_PATCH), PatchType.fromContentType("application/apply-patch+yaml"));
    assertEquals(Optional.empty(), PatchType.fromContentType("application/json"));
    assertEquals(Optional.empty(), PatchType.fromContentType(null));
    assertEquals("application/apply-patch+yaml", PatchType.APPLY_PATCH.contentType());
  }

  @ParameterizedTest
  @EnumSource(value = PatchType.class, names = {"MERGE_PATCH", "STRATEGIC_MERGE_PATCH", "APPLY_PATCH"})
  void objectPatchesReturnANewObjectAndLeaveTheirInputsAlone(PatchType type) throws PatchException {
    ObjectNode live = deployment();
    ObjectNode patch = (ObjectNode) json("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"replicas\":7}}");

    ObjectNode result = Patches.apply(type, ResourceTypes.DEPLOYMENTS, live, patch);
    ((ObjectNode) result.get("metadata")).put("name", "changed");

    assertNotSame(live, result);
    assertEquals(deployment(), live);
    assertEquals(json("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"replicas\":7}}"), patch);
    assertEquals(7, result.at("/spec/replicas").intValue());
  }

  @ParameterizedTest
  @EnumSource(value = PatchType.class, names = {"MERGE_PATCH", "STRATEGIC_MERGE_PATCH", "APPLY_PATCH"})
  void objectPatchesMustBeObjects(PatchType type) {
    assertEquals("the patch must be a JSON object, not \"x\"", assertThrows(PatchException.class,
        () -> Patches.apply(type, ResourceTypes.DEPLOYMENTS, deployment(), json("\"x\""))).getMessage());
  }

  @Test
  void droppingKindOrApiVersionIsNotAChange() throws PatchException {
    ObjectNode merged = Patches.apply(PatchType.MERGE_PATCH, ResourceTypes.DEPLOYMENTS, deployment(),
        json("{\"kind\":null,\"apiVersion\":null}"));
    assertEquals(deployment(), merged);

    ObjectNode replaced = Patches.apply(PatchType.STRATEGIC_MERGE_PATCH, ResourceTypes.CONFIGMAPS,
        (ObjectNode) json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\"}}"),
        json("{\"$patch\":\"replace\",\"metadata\":{\"name\":\"c\"},\"data\":{\"b\":\"2\"}}"));
    assertEquals(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"b\":\"2\"}}"),
        replaced);
  }

  @Test
  void changingKindIsRejected() {
    assertEquals("the patch changes kind from \"Deployment\" to \"Pod\"; the kind of an object cannot be changed",
        assertThrows(PatchException.class, () -> Patches.apply(PatchType.STRATEGIC_MERGE_PATCH,
            ResourceTypes.DEPLOYMENTS, deployment(), json("{\"kind\":\"Pod\"}"))).getMessage());
  }

  @Test
  void nullArgumentsAreNamed() {
    assertEquals("live", assertThrows(NullPointerException.class,
        () -> Patches.apply(PatchType.MERGE_PATCH, ResourceTypes.PODS, null, json("{}"))).getMessage());
  }
}
