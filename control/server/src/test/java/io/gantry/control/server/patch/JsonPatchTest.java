package io.gantry.control.server.patch;

import static io.gantry.control.server.patch.PatchFixtures.json;
import static io.gantry.control.server.patch.PatchFixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceTypes;
import org.junit.jupiter.api.Test;

/** RFC 6902 Appendix A, through {@link Patches#apply}, plus the error cases kube clients hit. */
class JsonPatchTest {

  private static JsonNode patch(String document, String patch) throws PatchException {
    return Patches.apply(PatchType.JSON_PATCH, ResourceTypes.CONFIGMAPS, object(document), json(patch));
  }

  private static String error(String document, String patch) {
    return assertThrows(PatchException.class, () -> patch(document, patch)).getMessage();
  }

  @Test
  void a1AddingAnObjectMember() throws PatchException {
    assertEquals(json("{\"foo\":\"bar\",\"baz\":\"qux\"}"),
        patch("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]"));
  }

  @Test
  void a2AddingAnArrayElement() throws PatchException {
    assertEquals(json("{\"foo\":[\"bar\",\"qux\",\"baz\"]}"),
        patch("{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]"));
  }

  @Test
  void a3RemovingAnObjectMember() throws PatchException {
    assertEquals(json("{\"foo\":\"bar\"}"),
        patch("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]"));
  }

  @Test
  void a4RemovingAnArrayElement() throws PatchException {
    assertEquals(json("{\"foo\":[\"bar\",\"baz\"]}"),
        patch("{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]"));
  }

  @Test
  void a5ReplacingAValue() throws PatchException {
    assertEquals(json("{\"baz\":\"boo\",\"foo\":\"bar\"}"),
        patch("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]"));
  }

  @Test
  void a6MovingAValue() throws PatchException {
    assertEquals(json("{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}"),
        patch("{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
            "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]"));
  }

  @Test
  void a7MovingAnArrayElement() throws PatchException {
    assertEquals(json("{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}"),
        patch("{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}", "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]"));
  }

  @Test
  void a8TestingAValueSuccess() throws PatchException {
    String document = "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}";
    assertEquals(json(document), patch(document,
        "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]"));
  }

  @Test
  void a9TestingAValueError() {
    assertEquals("test failed: the value at /baz is \"qux\" (expected: \"bar\")",
        error("{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]"));
  }

  @Test
  void a10AddingANestedMemberObject() throws PatchException {
    assertEquals(json("{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}"),
        patch("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]"));
  }

  @Test
  void a11IgnoringUnrecognizedElements() throws PatchException {
    assertEquals(json("{\"foo\":\"bar\",\"baz\":\"qux\"}"),
        patch("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]"));
  }

  @Test
  void a12AddingToANonexistentTarget() {
    assertEquals("doc is missing path: /baz",
        error("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]"));
  }

  // A.13 (an operation object with two "op" members) is rejected by the JSON parser before a
  // JsonNode exists, so it cannot reach the engine.

  @Test
  void a14TildeEscapeOrdering() throws PatchException {
    String document = "{\"/\":9,\"~1\":10}";
    assertEquals(json(document), patch(document, "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]"));
  }

  @Test
  void a15ComparingStringsAndNumbers() {
    assertEquals("test failed: the value at /~01 is 10 (expected: \"10\")",
        error("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]"));
  }

  @Test
  void a16AddingAnArrayValue() throws PatchException {
    assertEquals(json("{\"foo\":[\"bar\",[\"abc\",\"def\"]]}"),
        patch("{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]"));
  }

  @Test
  void slashEscapeAndNumericEquality() throws PatchException {
    assertEquals(json("{\"metadata\":{\"annotations\":{\"example.com/x\":\"2\"}},\"n\":1.0}"),
        patch("{\"metadata\":{\"annotations\":{\"example.com/x\":\"1\"}},\"n\":1.0}",
            "[{\"op\":\"test\",\"path\":\"/n\",\"value\":1},"
                + "{\"op\":\"replace\",\"path\":\"/metadata/annotations/example.com~1x\",\"value\":\"2\"}]"));
  }

  @Test
  void copyDeepCopiesTheValue() throws PatchException {
    assertEquals(json("{\"a\":{\"x\":1},\"b\":{\"x\":2}}"), patch("{\"a\":{\"x\":1}}",
        "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"},{\"op\":\"replace\",\"path\":\"/b/x\",\"value\":2}]"));
  }

  @Test
  void copiesAreBoundedLikeKubeApiserver() {
    StringBuilder ops = new StringBuilder("[{\"op\":\"add\",\"path\":\"/a\",\"value\":[\"0123456789\"]}");
    for (int i = 0; i < 40; i++) {
      ops.append(",{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/a/-\"}");
    }
    String message = error("{}", ops.append("]").toString());
    assertTrue(message.endsWith("(copy) would copy more than 3145728 bytes in total "
        + "(expected: at most that much copied by one patch)"), message);
  }

  @Test
  void failedOperationLeavesNoPartialResult() {
    ObjectNode live = object("{\"a\":1}");
    assertThrows(PatchException.class, () -> Patches.apply(PatchType.JSON_PATCH, ResourceTypes.CONFIGMAPS, live,
        json("[{\"op\":\"add\",\"path\":\"/b\",\"value\":2},{\"op\":\"remove\",\"path\":\"/missing\"}]")));
    assertEquals(json("{\"a\":1}"), live);
  }

  @Test
  void errors() {
    assertEquals("doc is missing path: /spec/foo",
        error("{\"spec\":{}}", "[{\"op\":\"remove\",\"path\":\"/spec/foo\"}]"));
    assertEquals("doc is missing path: /spec/foo",
        error("{\"spec\":{}}", "[{\"op\":\"replace\",\"path\":\"/spec/foo\",\"value\":1}]"));
    assertEquals("doc is missing path: /a",
        error("{}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/b\"}]"));
    assertEquals("array index 3 in /a/3 is out of bounds (expected: 0 to 2)",
        error("{\"a\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/a/3\",\"value\":0}]"));
    assertEquals("invalid array index \"01\" in /a/01 (expected: a non-negative integer without leading zeros, or - to append)",
        error("{\"a\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/a/01\",\"value\":0}]"));
    assertEquals("JSON patch operation 0 has unknown op \"jump\" (expected: add, remove, replace, move, copy or test)",
        error("{}", "[{\"op\":\"jump\",\"path\":\"/a\"}]"));
    assertEquals("JSON patch operation 0 (add) is missing the member \"value\"",
        error("{}", "[{\"op\":\"add\",\"path\":\"/a\"}]"));
    assertEquals("JSON patch operation 1 is missing the string member \"op\"",
        error("{}", "[{\"op\":\"test\",\"path\":\"\",\"value\":{}},{\"path\":\"/a\"}]"));
    assertEquals("move operation cannot move /a into its own child /a/b",
        error("{\"a\":{}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b\"}]"));
    assertEquals("invalid JSON pointer \"a\" (expected: empty, or starting with /)",
        error("{}", "[{\"op\":\"add\",\"path\":\"a\",\"value\":1}]"));
    assertEquals("invalid JSON pointer \"/a~2\": ~ must be followed by 0 or 1",
        error("{}", "[{\"op\":\"add\",\"path\":\"/a~2\",\"value\":1}]"));
    assertEquals("a JSON patch must be a JSON array of operations, not {\"op\":\"add\"}",
        error("{}", "{\"op\":\"add\"}"));
    assertEquals("the JSON patch would turn the object into [] (expected: a JSON object)",
        error("{}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":[]}]"));
  }

  @Test
  void kindCannotChange() {
    assertEquals("the patch changes kind from \"ConfigMap\" to \"Secret\"; the kind of an object cannot be changed",
        error("{\"kind\":\"ConfigMap\"}", "[{\"op\":\"replace\",\"path\":\"/kind\",\"value\":\"Secret\"}]"));
  }
}
