package io.gantry.control.server.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {

  private static final Map<String, String> WEB = Map.of("app", "web", "tier", "frontend", "replicas", "3");

  private static JsonNode json(String yaml) {
    try {
      return Json.YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String error(String text) {
    return assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(text)).getMessage();
  }

  @Test
  void emptyMatchesEverything() {
    assertTrue(LabelSelector.parse("").isEmpty());
    assertTrue(LabelSelector.parse("  ").matches(Map.of()));
    assertTrue(LabelSelector.fromJson(null).matches(WEB));
    assertTrue(LabelSelector.fromJson(json("{}")).isEmpty());
  }

  @Test
  void equality() {
    assertTrue(LabelSelector.parse("app=web").matches(WEB));
    assertTrue(LabelSelector.parse("app==web").matches(WEB));
    assertFalse(LabelSelector.parse("app=db").matches(WEB));
    assertTrue(LabelSelector.parse("app!=db").matches(WEB));
    assertFalse(LabelSelector.parse("app!=web").matches(WEB));
    assertTrue(LabelSelector.parse("missing!=x").matches(WEB));
    assertTrue(LabelSelector.parse("empty=").matches(Map.of("empty", "")));
    assertFalse(LabelSelector.parse("empty=").matches(Map.of()));
  }

  @Test
  void setOperators() {
    assertTrue(LabelSelector.parse("tier in (frontend, edge)").matches(WEB));
    assertFalse(LabelSelector.parse("tier in (edge)").matches(WEB));
    assertTrue(LabelSelector.parse("tier notin (edge)").matches(WEB));
    assertFalse(LabelSelector.parse("tier notin (frontend)").matches(WEB));
    assertTrue(LabelSelector.parse("missing notin (x)").matches(WEB));
    assertTrue(LabelSelector.parse("in in (in,notin)").matches(Map.of("in", "notin")));
  }

  @Test
  void existence() {
    assertTrue(LabelSelector.parse("app").matches(WEB));
    assertFalse(LabelSelector.parse("missing").matches(WEB));
    assertTrue(LabelSelector.parse("!missing").matches(WEB));
    assertFalse(LabelSelector.parse("!app").matches(WEB));
  }

  @Test
  void numericComparisons() {
    assertTrue(LabelSelector.parse("replicas>2").matches(WEB));
    assertFalse(LabelSelector.parse("replicas<3").matches(WEB));
    assertFalse(LabelSelector.parse("app>2").matches(WEB));
  }

  @Test
  void allRequirementsMustHold() {
    assertTrue(LabelSelector.parse("app=web, tier in (frontend), !legacy").matches(WEB));
    assertFalse(LabelSelector.parse("app=web,tier=backend").matches(WEB));
  }

  @Test
  void canonicalTextSortsByKeyAndValues() {
    assertEquals("app=web,tier in (a,b)", LabelSelector.parse("tier in (b, a),app=web").toString());
    assertEquals("!a,b,c!=d,e notin (x)", LabelSelector.parse("e notin (x), c != d, b, !a").toString());
    assertEquals("app=web,tier in (a,b)", LabelSelector.fromJson(json(
        "{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [b, a]}]}")).toString());
    assertEquals("a,!b,c notin (x)", LabelSelector.fromJson(json("{matchExpressions: [{key: c, operator: NotIn,"
        + " values: [x]}, {key: b, operator: DoesNotExist}, {key: a, operator: Exists}]}")).toString());
  }

  @Test
  void fromJsonMatchesLabelsObjects() {
    LabelSelector s = LabelSelector.fromJson(json("{matchLabels: {app: web}, matchExpressions: [{key: tier,"
        + " operator: NotIn, values: [db]}]}"));
    assertTrue(s.matches(json("{app: web, tier: frontend}")));
    assertFalse(s.matches(json("{app: web, tier: db}")));
    assertFalse(s.matches((JsonNode) null));
    assertTrue(LabelSelector.fromJson(json("{}")).matches((JsonNode) null));
  }

  @Test
  void fromJsonRejectsUnknownOperatorsAndBadValues() {
    assertEquals("\"Is\" is not a valid label selector operator", assertThrows(IllegalArgumentException.class,
        () -> LabelSelector.fromJson(json("{matchExpressions: [{key: a, operator: Is}]}"))).getMessage());
    assertEquals("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
        assertThrows(IllegalArgumentException.class,
            () -> LabelSelector.fromJson(json("{matchExpressions: [{key: a, operator: In}]}"))).getMessage());
  }

  @Test
  void syntaxErrorsUseTheUpstreamMessages() {
    assertEquals("found ',', expected: !, identifier, or 'end of string'", error(",a"));
    assertEquals("found '', expected: identifier after ','", error("a=b,"));
    assertEquals("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
        error("a b"));
    assertEquals("unable to parse requirement: found 'x' expected: '('", error("a in x"));
    assertEquals("unable to parse requirement: found 'y', expected: ',' or ')'", error("a in (x y)"));
    assertEquals("found '=', expected: ',' or 'end of string'", error("!a=b"));
    assertEquals("found 'c', expected: ',' or 'end of string'", error("a=b c"));
  }

  @Test
  void invalidKeysAndValuesAreRejected() {
    assertEquals("unable to parse requirement: <nil>: Invalid value: \"-a\": name part must consist of alphanumeric"
        + " characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or"
        + " 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        error("-a=b"));
    assertTrue(error("a=b$").startsWith("unable to parse requirement: values[0][a]: Invalid value: \"b$\": a valid"
        + " label must be an empty string or consist of"), error("a=b$"));
    assertEquals("unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value"
        + " must be an integer", error("a>x"));
  }
}
