package io.gantry.control.api.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlTreesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anAliasIsACopyOfItsAnchoredNode() throws Exception {
    JsonNode doc = one("""
        env: &env [{name: A, value: "1"}]
        spec:
          containers:
          - {name: a, env: *env}
          - {name: b, env: *env}
        """);

    assertEquals(json("[{\"name\":\"A\",\"value\":\"1\"}]"), doc.at("/spec/containers/0/env"));
    assertEquals(doc.at("/spec/containers/0/env"), doc.at("/spec/containers/1/env"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.at("/spec/containers/0/env/0")).put("value", "2");
    assertEquals("1", doc.at("/spec/containers/1/env/0/value").asText()); // copies, not shared nodes
  }

  @Test
  void aMergeKeyAddsTheFieldsTheMappingDoesNotSetItself() throws Exception {
    JsonNode doc = one("""
        base: &base {port: 80, protocol: TCP, name: base}
        extra: &extra {appProtocol: http, port: 81}
        port:
          <<: [*base, *extra]
          name: web
        """);

    assertEquals(json("{\"port\":80,\"protocol\":\"TCP\",\"name\":\"web\",\"appProtocol\":\"http\"}"), doc.get("port"));
  }

  @Test
  void scalarsKeepTheTypesOfJacksonsOwnTrees() throws Exception {
    JsonNode doc = one("a: 1\nb: 10000000000\nc: 1.5\nd: true\ne: null\nf: \"1\"\ng: x\n");
    JsonNode jackson = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readTree("a: 1\nb: 10000000000\nc: 1.5\nd: true\ne: null\nf: \"1\"\ng: x\n");

    assertEquals(jackson, doc);
  }

  @Test
  void documentsAreReadInOrderWithoutEmptyOnesAndAnchorsAreTheirOwn() throws Exception {
    List<JsonNode> docs = YamlTrees.readAll("""
        ---
        a: &x 1
        b: *x
        ---
        ---
        - c
        """.getBytes(StandardCharsets.UTF_8));

    assertEquals(List.of(json("{\"a\":1,\"b\":1}"), json("[\"c\"]")), docs);
    IOException e = assertThrows(IOException.class, () -> YamlTrees.readAll("a: &x 1\n---\nb: *x\n".getBytes()));
    assertTrue(e.getMessage().contains("undefined alias x"), e.getMessage());
  }

  @Test
  void nestedAliasesCannotExpandWithoutBound() {
    StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      String prev = "*" + (char) (c - 1);
      yaml.append(c).append(": &").append(c).append(" [").append(String.join(", ", java.util.Collections.nCopies(10, prev)))
          .append("]\n");
    }

    IOException e = assertThrows(IOException.class, () -> one(yaml.toString()));
    assertTrue(e.getMessage().contains("more than " + YamlTrees.MAX_ALIAS_NODES + " nodes"), e.getMessage());
  }

  @Test
  void anAliasInsideItsOwnAnchorIsAnErrorNotARecursion() {
    IOException mapping = assertThrows(IOException.class, () -> YamlTrees.readAll(
        "kind: ConfigMap\nmetadata: &m\n  name: rec\n  labels: *m\n".getBytes(StandardCharsets.UTF_8)));
    assertTrue(mapping.getMessage().startsWith("anchor 'm' value contains itself"), mapping.getMessage());
    assertThrows(IOException.class, () -> YamlTrees.readAll("a: &l [1, *l]\n".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IOException.class, () -> YamlTrees.readAll("a: &o\n  <<: *o\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void scalarsAreTypedByYaml11RulesAsGoYamlTypesThem() throws Exception {
    JsonNode doc = one("""
        octal: 0755
        hex: 0x1F
        under: 1_000
        yes: yes
        off: Off
        tilde: ~
        date: 2026-11-23
        quoted: "0755"
        big: 123456789012345678901234567890
        inf: .inf
        """);

    assertEquals(json("{\"octal\":493,\"hex\":31,\"under\":1000,\"yes\":true,\"off\":false,\"tilde\":null,"
        + "\"date\":\"2026-11-23\",\"quoted\":\"0755\",\"big\":123456789012345678901234567890,\"inf\":\".inf\"}"),
        doc);
  }

  @Test
  void largeDocumentsWithoutAliasesAreNotBounded() throws Exception {
    StringBuilder yaml = new StringBuilder("items:\n");
    for (int i = 0; i < YamlTrees.MAX_ALIAS_NODES; i++) {
      yaml.append("- {a: ").append(i).append("}\n");
    }

    assertEquals(YamlTrees.MAX_ALIAS_NODES, one(yaml.toString()).get("items").size());
  }

  @Test
  void oneDocumentOrNone() throws Exception {
    assertNull(YamlTrees.readOne("# nothing\n".getBytes()));
    assertThrows(IOException.class, () -> YamlTrees.readOne("a: 1\n---\nb: 2\n".getBytes()));
  }

  private static JsonNode one(String yaml) throws IOException {
    return YamlTrees.readOne(yaml.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }
}
