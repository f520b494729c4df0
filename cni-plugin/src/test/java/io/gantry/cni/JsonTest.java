package io.gantry.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parsesEveryKindOfValueInKeyOrder() throws IOException {
    Object parsed = Json.parse(" {\"b\": [1, -2, 0, 1.5, -2e3, 3E+2], \"a\": {\"t\": true, \"f\": false, \"n\": null},"
        + " \"s\": \"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"e\": {}, \"l\": []}\n");
    Map<?, ?> map = (Map<?, ?>) parsed;
    assertEquals(List.of("b", "a", "s", "e", "l"), new ArrayList<>(map.keySet()));
    assertEquals(List.of(1L, -2L, 0L, 1.5, -2000.0, 300.0), map.get("b"));
    Map<?, ?> a = (Map<?, ?>) map.get("a");
    assertEquals(Boolean.TRUE, a.get("t"));
    assertEquals(Boolean.FALSE, a.get("f"));
    assertTrue(a.containsKey("n"));
    assertNull(a.get("n"));
    assertEquals("x\"\\/\b\f\n\r\t\u00e9\ud83d\ude00", map.get("s"));
    assertEquals(Map.of(), map.get("e"));
    assertEquals(List.of(), map.get("l"));
  }

  @Test
  void writtenJsonParsesBackToTheSameValue() throws IOException {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("cniVersion", "1.1.0");
    value.put("quote\"and\\slash", List.of(1, 2L, 2.5, true, "\u0001\n"));
    value.put("nothing", null);
    value.put("nested", Map.of("k", List.of(Map.of())));
    String written = Json.write(value);
    assertEquals(value.toString(), Json.parse(written).toString());
    assertEquals("{\"a\":[1,\"\\u0001\\n\"]}", Json.write(Map.of("a", List.of(1, "\u0001\n"))));
  }

  @Test
  void rejectsMalformedDocumentsWithThePlace() {
    for (String bad : List.of("", "   ", "{", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "[1 2]", "{a:1}", "'x'", "tru",
        "nul", "01", "-", "1.", "1e", "+1", "\"abc", "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "{} {}", "[1]x",
        "99999999999999999999", "\"\\u12g4\"")) {
      IOException e = assertThrows(IOException.class, () -> Json.parse(bad), bad);
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), bad);
    }
    IOException e = assertThrows(IOException.class, () -> Json.parse("{\n  \"a\": x}"));
    assertTrue(e.getMessage().contains("line 2, column 8"), e.getMessage());
  }

  @Test
  void boundsNestingDepth() throws IOException {
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    Json.parse(ok);
    String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    IOException e = assertThrows(IOException.class, () -> Json.parse(deep));
    assertTrue(e.getMessage().contains("nesting"), e.getMessage());
  }

  @Test
  void boundsNumberLength() {
    IOException e = assertThrows(IOException.class, () -> Json.parse("1" + "0".repeat(Json.MAX_NUMBER) + ".5"));
    assertTrue(e.getMessage().contains("number longer"), e.getMessage());
  }

  @Test
  void parsesASequenceOfDocuments() throws IOException {
    assertEquals(List.of(List.of(Map.of("a", 1L)), List.of()), Json.parseAll("[{\"a\":1}]\n[]\n"));
    assertEquals(List.of(), Json.parseAll("  \n"));
  }
}
