package io.gantry.control.server.patch;

import static io.gantry.control.server.patch.PatchFixtures.deployment;
import static io.gantry.control.server.patch.PatchFixtures.json;
import static io.gantry.control.server.patch.PatchFixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The merge half of server-side apply ({@code application/apply-patch+yaml}); ownership is FieldManagerTest's. */
class ApplyPatchTest {

  private static ObjectNode apply(ObjectNode live, String body) throws PatchException {
    ObjectNode before = live.deepCopy();
    ObjectNode result = Patches.apply(PatchType.APPLY_PATCH, ResourceTypes.DEPLOYMENTS, live,
        Patches.parseApplyBody(body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(before, live, "live must not be modified");
    return result;
  }

  @Test
  void mergesTheAppliedConfigurationAndKeepsEverythingElse() throws PatchException {
    // kubectl apply --server-side sends the manifest as JSON (§3.9): here with a new image, a new
    // env var, 3 replicas, and without the sidecar.
    ObjectNode result = apply(deployment(), """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web","namespace":"demo"},
         "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
           "template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"web","image":"nginx:1.27","env":[{"name":"LEVEL","value":"debug"}],
                                    "ports":[{"containerPort":80}]}]}}}}""");

    ObjectNode expected = deployment();
    ((ObjectNode) expected.get("spec")).put("replicas", 3);
    ObjectNode web = (ObjectNode) expected.at("/spec/template/spec/containers/0");
    web.put("image", "nginx:1.27");
    web.set("env", json("[{\"name\":\"LEVEL\",\"value\":\"debug\"},{\"name\":\"MODE\",\"value\":\"blue\"}]"));
    assertEquals(expected, result, "sidecar, strategy, status, uid, annotations kept; web merged by name");
  }

  @Test
  void acceptsYamlAndReplacesAtomicLists() throws PatchException {
    ObjectNode result = apply(deployment(), """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
              - name: sidecar
                command: [sh, -c, "sleep 60"]
        """);

    assertEquals(json("[\"sh\",\"-c\",\"sleep 60\"]"), result.at("/spec/template/spec/containers/1/command"));
    assertEquals(json("\"busybox:1.36\""), result.at("/spec/template/spec/containers/1/image"));
    assertEquals(json("\"nginx:1.25\""), result.at("/spec/template/spec/containers/0/image"));
  }

  @Test
  void nullsInTheConfigurationAreIgnored() throws PatchException {
    ObjectNode result = apply(deployment(), """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":null},"spec":{"strategy":null}}""");

    assertEquals(deployment(), result);
  }

  @Test
  void rejectsDirectivesAndAnotherKind() {
    assertEquals("spec.template.spec: field \"$setElementOrder/containers\" is not allowed in an apply configuration "
            + "(patch directives are for strategic merge patches)",
        assertThrows(PatchException.class, () -> apply(deployment(), """
            {"apiVersion":"apps/v1","kind":"Deployment",
             "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}]}}}}""")).getMessage());
    assertEquals("the patch changes kind from \"Deployment\" to \"StatefulSet\"; the kind of an object cannot be changed",
        assertThrows(PatchException.class, () -> apply(deployment(),
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"name\":\"web\"}}")).getMessage());
    assertEquals("the patch changes apiVersion from \"apps/v1\" to \"apps/v1beta1\"; the apiVersion of an object "
            + "cannot be changed",
        assertThrows(PatchException.class, () -> apply(deployment(),
            "{\"apiVersion\":\"apps/v1beta1\",\"kind\":\"Deployment\"}")).getMessage());
  }

  @Test
  void parseApplyBody() throws PatchException {
    assertEquals(object("{\"a\":{\"b\":[1,2]}}"), Patches.parseApplyBody(" {\"a\":{\"b\":[1,2]}}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(object("{\"a\":{\"b\":[1,2]}}"), Patches.parseApplyBody("{a: {b: [1, 2]}}".getBytes(StandardCharsets.UTF_8)),
        "YAML flow style");
    assertEquals(object("{\"a\":\"x\"}"), Patches.parseApplyBody("---\na: x\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void parseApplyBodyErrors() {
    assertEquals("the apply configuration holds 2 documents (expected: one object)", parseError("a: 1\n---\nb: 2\n"));
    assertEquals("the apply configuration must be a JSON or YAML object", parseError("- a\n- b\n"));
    assertEquals("the apply configuration must be a JSON or YAML object", parseError(""));
    assertTrue(parseError("{\"a\": [}").startsWith("the apply configuration is neither valid JSON nor valid YAML: "));
  }

  private static String parseError(String body) {
    return assertThrows(PatchException.class, () -> Patches.parseApplyBody(body.getBytes(StandardCharsets.UTF_8)))
        .getMessage();
  }
}
