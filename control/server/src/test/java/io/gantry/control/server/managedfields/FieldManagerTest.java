package io.gantry.control.server.managedfields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.patch.PatchException;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.patch.Patches;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The ownership rules of the server-side apply documentation, one object written step by step. */
class FieldManagerTest {

  private static final String T1 = "2026-01-02T03:04:05Z";
  private static final String T2 = "2026-01-02T03:05:00Z";

  private ResourceType type = ResourceTypes.DEPLOYMENTS;
  private ObjectNode live = Json.object();

  @Test
  void aDifferentValueForAnotherAppliersFieldConflicts() throws Exception {
    apply("a", deployment(2), false);

    FieldConflicts conflict = assertThrows(FieldConflicts.class, () -> apply("b", deployment(3), false));

    assertEquals("Apply failed with 1 conflict: conflict with \"a\": .spec.replicas", conflict.getMessage());
    assertEquals(List.of(new FieldConflicts.Conflict("\"a\"", ".spec.replicas")), conflict.conflicts());
    assertEquals(2, live.at("/spec/replicas").asInt(), "a refused apply changes nothing");
  }

  @Test
  void theSameValueIsSharedAndForceTakesAFieldOver() throws Exception {
    apply("a", deployment(2), false);
    apply("b", deployment(2), false);
    assertTrue(owns("a", List.of("f:spec", "f:replicas")));
    assertTrue(owns("b", List.of("f:spec", "f:replicas")));

    FieldConflicts conflict = assertThrows(FieldConflicts.class, () -> apply("b", deployment(4), false));
    assertEquals("Apply failed with 1 conflict: conflict with \"a\": .spec.replicas", conflict.getMessage());

    apply("b", deployment(4), true);
    assertEquals(4, live.at("/spec/replicas").asInt());
    assertFalse(owns("a", List.of("f:spec", "f:replicas")), "forcing moves the field: " + live);
    assertTrue(owns("a", List.of("f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}", "f:image")),
        "a keeps what was not taken: " + live);
    assertTrue(owns("b", List.of("f:spec", "f:replicas")));
  }

  @Test
  void aFieldAnApplierDropsStaysWhileSomeoneElseOwnsIt() throws Exception {
    type = ResourceTypes.CONFIGMAPS;
    apply("a", "{\"data\":{\"x\":\"1\",\"y\":\"2\"}}", false);
    apply("b", "{\"data\":{\"x\":\"1\"}}", false);

    apply("a", "{\"data\":{\"y\":\"2\"}}", false);
    assertEquals("1", live.at("/data/x").asText(), "b still owns x: " + live);
    assertFalse(owns("a", List.of("f:data", "f:x")));

    apply("b", "{\"data\":{}}", false);
    assertTrue(live.at("/data/x").isMissingNode(), "nobody owns x any more: " + live);
    assertEquals("2", live.at("/data/y").asText());
  }

  @Test
  void anApplierDropsKeyedElementsItAloneApplied() throws Exception {
    apply("a", deploymentWith("[{\"name\":\"web\",\"image\":\"nginx\"},{\"name\":\"side\",\"image\":\"busybox\"}]"),
        false);
    apply("a", deploymentWith("[{\"name\":\"web\",\"image\":\"nginx\"}]"), false);

    assertEquals(1, live.at("/spec/template/spec/containers").size(), live::toString);
    assertEquals("web", live.at("/spec/template/spec/containers/0/name").asText());
  }

  @Test
  void anUpdateTakesWhatItChangesAndTheNextApplyConflictsWithIt() throws Exception {
    apply("kubectl", deployment(2), false);
    update("kubectl", "scale", object -> ((ObjectNode) object.get("spec")).put("replicas", 5));

    JsonNode scaleEntry = entry("kubectl", "Update");
    assertEquals("scale", scaleEntry.get("subresource").asText(), live::toString);
    assertEquals(json("{\"f:spec\":{\"f:replicas\":{}}}"), scaleEntry.get("fieldsV1"));
    assertEquals(T2, scaleEntry.get("time").asText());
    assertFalse(FieldSet.fromFieldsV1(entry("kubectl", "Apply").get("fieldsV1")).contains(List.of("f:spec", "f:replicas")),
        "the applier lost the field: " + live);

    FieldConflicts conflict = assertThrows(FieldConflicts.class, () -> apply("kubectl", deployment(3), false));
    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: "
        + ".spec.replicas", conflict.getMessage());

    apply("kubectl", deployment(5), false);
    assertTrue(FieldSet.fromFieldsV1(entry("kubectl", "Apply").get("fieldsV1")).contains(List.of("f:spec", "f:replicas")),
        "applying the current value shares it: " + live);
  }

  @Test
  void severalConflictsAreListedByManager() throws Exception {
    type = ResourceTypes.CONFIGMAPS;
    apply("a", "{\"data\":{\"x\":\"1\",\"y\":\"1\"}}", false);
    update("editor", null, object -> ((ObjectNode) object.get("data")).put("z", "1"));

    FieldConflicts conflict = assertThrows(FieldConflicts.class,
        () -> apply("b", "{\"data\":{\"x\":\"2\",\"y\":\"2\",\"z\":\"2\"}}", false));

    assertEquals("""
        Apply failed with 3 conflicts: conflicts with "a":
        - .data.x
        - .data.y
        conflicts with "editor" using v1:
        - .data.z""", conflict.getMessage());
  }

  /** kube-apiserver's lastAppliedManager and lastAppliedUpdater, as kubectl apply --server-side relies on them. */
  @Test
  void kubectlMovesFromClientSideApplyWithoutConflictsOnWhatItAppliedBefore() throws Exception {
    type = ResourceTypes.CONFIGMAPS;
    String lastApplied = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\"}}";
    update("kubectl-client-side-apply", null, object -> {
      object.putObject("metadata").put("name", "c").putObject("annotations")
          .put("kubectl.kubernetes.io/last-applied-configuration", lastApplied);
      object.putObject("data").put("a", "1");
    });
    update("kubectl-edit", null, object -> ((ObjectNode) object.get("data")).put("b", "1"));

    String next = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"9\"}}";
    FieldConflicts other = assertThrows(FieldConflicts.class, () -> apply("someone-else", next, false));
    assertTrue(other.getMessage().contains(".data.a"), "only kubectl is migrated: " + other.getMessage());
    FieldConflicts edited = assertThrows(FieldConflicts.class,
        () -> apply("kubectl", next.replace("\"a\":\"9\"", "\"a\":\"9\",\"b\":\"2\""), false));
    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.b", edited.getMessage(),
        "what the client-side configuration did not hold still conflicts");

    apply("kubectl", next, false);
    assertEquals("9", live.at("/data/a").asText());
    assertTrue(owns("kubectl", List.of("f:data", "f:a")), live::toString);
    assertFalse(owns("kubectl-client-side-apply", List.of("f:data", "f:a")), live::toString);
    assertEquals(json(next), json(live.at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")
        .asText()), "the annotation follows the server-side configuration");
  }

  @Test
  void anUpdateWithoutChangesKeepsTheRecordsAsTheyWere() throws Exception {
    update("creator", null, object -> object.putObject("spec").put("replicas", 1));
    JsonNode before = live.at("/metadata/managedFields").deepCopy();
    update("other", null, object -> { });
    assertEquals(before, live.at("/metadata/managedFields"));
  }

  @Test
  void reappliedUnchangedConfigurationKeepsItsTime() throws Exception {
    apply("a", deployment(2), false);
    String first = entry("a", "Apply").get("time").asText();
    ObjectNode config = json(deployment(2));
    ObjectNode merged = Patches.apply(PatchType.APPLY_PATCH, type, live, config);
    FieldManager.Applied again = FieldManager.of(type, null).apply(live, merged, config, "a", false, List.of(), T2);
    assertEquals(first, again.managedFields().get(0).get("time").asText());
  }

  private void apply(String manager, String configuration, boolean force) throws FieldConflicts, PatchException {
    ObjectNode config = json(configuration);
    ObjectNode merged = Patches.apply(PatchType.APPLY_PATCH, type, live, config);
    FieldManager.Applied applied = FieldManager.of(type, null).apply(live, merged, config, manager, force, List.of(),
        T1);
    live = store(applied.object(), applied.managedFields());
  }

  private void update(String manager, String subresource, Consumer<ObjectNode> change) {
    ObjectNode next = live.deepCopy();
    change.accept(next);
    ArrayNode managed = FieldManager.of(type, subresource).update(live, next, true, manager, T2);
    live = store(next, managed);
  }

  private static ObjectNode store(ObjectNode object, ArrayNode managedFields) {
    ObjectNode metadata = object.has("metadata") ? (ObjectNode) object.get("metadata") : object.putObject("metadata");
    metadata.set("managedFields", managedFields);
    return object;
  }

  private boolean owns(String manager, List<String> path) {
    for (JsonNode entry : live.at("/metadata/managedFields")) {
      if (entry.get("manager").asText().equals(manager)
          && FieldSet.fromFieldsV1(entry.get("fieldsV1")).contains(path)) {
        return true;
      }
    }
    return false;
  }

  private JsonNode entry(String manager, String operation) {
    for (JsonNode entry : live.at("/metadata/managedFields")) {
      if (entry.get("manager").asText().equals(manager) && entry.get("operation").asText().equals(operation)) {
        return entry;
      }
    }
    throw new AssertionError("no " + operation + " entry of " + manager + " in " + live);
  }

  private static String deployment(int replicas) {
    return """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"replicas":%d,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"web","image":"nginx"}]}}}}""".formatted(replicas);
  }

  private static String deploymentWith(String containers) {
    return """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":%s}}}}""".formatted(containers);
  }

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
