package io.gantry.control.server.patch;

import static io.gantry.control.server.patch.PatchFixtures.json;
import static io.gantry.control.server.patch.PatchFixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceTypes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JsonMergePatchTest {

  /** RFC 7386 Appendix A, every row: original | patch | result. */
  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "{\"a\":\"b\"}                 | {\"a\":\"c\"}                | {\"a\":\"c\"}",
      "{\"a\":\"b\"}                 | {\"b\":\"c\"}                | {\"a\":\"b\",\"b\":\"c\"}",
      "{\"a\":\"b\"}                 | {\"a\":null}                 | {}",
      "{\"a\":\"b\",\"b\":\"c\"}     | {\"a\":null}                 | {\"b\":\"c\"}",
      "{\"a\":[\"b\"]}               | {\"a\":\"c\"}                | {\"a\":\"c\"}",
      "{\"a\":\"c\"}                 | {\"a\":[\"b\"]}              | {\"a\":[\"b\"]}",
      "{\"a\":{\"b\":\"c\"}}         | {\"a\":{\"b\":\"d\",\"c\":null}} | {\"a\":{\"b\":\"d\"}}",
      "{\"a\":[{\"b\":\"c\"}]}       | {\"a\":[1]}                  | {\"a\":[1]}",
      "[\"a\",\"b\"]                 | [\"c\",\"d\"]                | [\"c\",\"d\"]",
      "{\"a\":\"b\"}                 | [\"c\"]                      | [\"c\"]",
      "{\"a\":\"foo\"}               | null                         | null",
      "{\"a\":\"foo\"}               | \"bar\"                      | \"bar\"",
      "{\"e\":null}                  | {\"a\":1}                    | {\"e\":null,\"a\":1}",
      "[1,2]                         | {\"a\":\"b\",\"c\":null}     | {\"a\":\"b\"}",
      "{}                            | {\"a\":{\"bb\":{\"ccc\":null}}} | {\"a\":{\"bb\":{}}}",
  })
  void rfc7386AppendixA(String original, String patch, String expected) {
    assertEquals(json(expected), JsonMergePatch.apply(json(original), json(patch)));
  }

  @Test
  void rfc7386Section3Example() {
    ObjectNode original = object("""
        {"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},
         "tags":["example","sample"],"content":"This will be unchanged"}""");
    ObjectNode patch = object("""
        {"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}""");
    ObjectNode before = original.deepCopy();
    ObjectNode patchBefore = patch.deepCopy();

    assertEquals(json("""
        {"title":"Hello!","author":{"givenName":"John"},"tags":["example"],
         "content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}"""),
        JsonMergePatch.apply(original, patch));
    assertEquals(before, original, "the target must not be modified");
    assertEquals(patchBefore, patch, "the patch must not be modified");
  }

  @Test
  void kubectlLabelBodyThroughPatches() throws PatchException {
    ObjectNode namespace = object("""
        {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo","labels":{"a":"1"}},"spec":{"finalizers":["kubernetes"]}}""");

    ObjectNode result = Patches.apply(PatchType.MERGE_PATCH, ResourceTypes.NAMESPACES, namespace,
        json("{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"));

    assertEquals(json("""
        {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo","labels":{"a":"1","x":"y"}},"spec":{"finalizers":["kubernetes"]}}"""),
        result);
  }

  @Test
  void mergePatchReplacesKeyedListsWhole() throws PatchException {
    ObjectNode result = Patches.apply(PatchType.MERGE_PATCH, ResourceTypes.DEPLOYMENTS, PatchFixtures.deployment(),
        json("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"only\",\"image\":\"x\"}]}}}}"));

    assertEquals(json("[{\"name\":\"only\",\"image\":\"x\"}]"), result.at("/spec/template/spec/containers"));
  }

  @Test
  void mergePatchMustBeAnObject() {
    PatchException e = assertThrows(PatchException.class, () -> Patches.apply(PatchType.MERGE_PATCH,
        ResourceTypes.CONFIGMAPS, object("{\"kind\":\"ConfigMap\"}"), json("[1]")));
    assertEquals("the patch must be a JSON object, not [1]", e.getMessage());
  }
}
