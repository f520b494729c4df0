package io.gantry.control.server.patch;

import static io.gantry.control.server.patch.PatchFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link JsonValues}: JSON equality and its hashable form; named *Patch* for the patch test filter. */
class JsonValuesPatchTest {

  @Test
  void equalityIsNumericAndIgnoresMemberOrder() {
    assertTrue(JsonValues.equal(json("80"), json("80.0")));
    assertTrue(JsonValues.equal(json("{\"a\":1,\"b\":[1,2]}"), json("{\"b\":[1.0,2],\"a\":1}")));
    assertFalse(JsonValues.equal(json("80"), json("\"80\"")));
    assertFalse(JsonValues.equal(json("[1,2]"), json("[2,1]")));
    assertFalse(JsonValues.equal(json("{\"a\":null}"), json("{}")));
  }

  @Test
  void canonicalAgreesWithEquality() {
    assertEquals(JsonValues.canonical(json("80")), JsonValues.canonical(json("80.0")));
    assertEquals(JsonValues.canonical(json("0")), JsonValues.canonical(json("0.00")));
    assertEquals(JsonValues.canonical(json("{\"a\":1,\"b\":[1,2]}")), JsonValues.canonical(json("{\"b\":[1.0,2],\"a\":1}")));
    assertNotEquals(JsonValues.canonical(json("80")), JsonValues.canonical(json("\"80\"")));
    assertNotEquals(JsonValues.canonical(json("\"#80\"")), JsonValues.canonical(json("80")));
    assertNotEquals(JsonValues.canonical(json("[1,2]")), JsonValues.canonical(json("[2,1]")));
    assertNotEquals(JsonValues.canonical(json("{\"a,\":1}")), JsonValues.canonical(json("{\"a\":1}")));
  }
}
