package io.gantry.control.server.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Quantities print as apimachinery's canonical form, keeping the format of the first non-zero addend. */
class ParsedQuantityArithmeticTest {

  private static String canonical(String text) {
    return ParsedQuantity.parse(text).toString();
  }

  @Test
  void decimalQuantitiesUseTheLargestSuffixThatKeepsAnInteger() {
    assertEquals("1", canonical("1000m"));
    assertEquals("1500m", canonical("1.5"));
    assertEquals("100m", canonical("0.1"));
    assertEquals("1k", canonical("1000"));
    assertEquals("1500", canonical("1500"));
    assertEquals("1500k", ParsedQuantity.parse("1M").plus(ParsedQuantity.parse("500k")).toString());
    assertEquals("1n", canonical("1n"));
    assertEquals("0", canonical("0"));
    assertEquals("-500m", canonical("-0.5"));
  }

  @Test
  void binaryQuantitiesStayBinaryUnlessSmallOrFractional() {
    assertEquals("512Mi", canonical("0.5Gi"));
    assertEquals("1536Mi", canonical("1.5Gi"));
    assertEquals("256Mi", ParsedQuantity.parse("100Mi").plus(ParsedQuantity.parse("156Mi")).toString());
    assertEquals("512", canonical("0.5Ki"), "below 1Ki a binary quantity prints as a decimal one");
    assertEquals("1e3", canonical("1e3"));
  }

  @Test
  void aSumTakesTheFormatOfItsFirstNonZeroAddend() {
    assertEquals("1Gi", ParsedQuantity.ZERO.plus(ParsedQuantity.parse("1Gi")).toString());
    assertEquals("1073741824500m", ParsedQuantity.parse("1Gi").plus(ParsedQuantity.parse("500m")).toString());
    assertEquals("2", ParsedQuantity.of(1).plus(ParsedQuantity.parse("1")).toString());
  }

  @Test
  void aMalformedQuantityIsRefusedWithItsText() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParsedQuantity.parse("12x"));
    assertEquals(true, e.getMessage().contains("12x"), e.getMessage());
  }
}
