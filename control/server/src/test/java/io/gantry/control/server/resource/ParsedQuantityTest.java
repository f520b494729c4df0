package io.gantry.control.server.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Quantities print in apimachinery's canonical form, in the format they were written in. */
class ParsedQuantityTest {

  private static String canonical(String text) {
    return ParsedQuantity.parse(text).toString();
  }

  @Test
  void decimalQuantitiesTakeTheLargestExactSuffix() {
    assertEquals("50m", canonical("50m"));
    assertEquals("50m", canonical("0.05"));
    assertEquals("1500m", canonical("1.5"));
    assertEquals("2", canonical("2000m"));
    assertEquals("1M", canonical("1000k"));
    assertEquals("0", canonical("0Mi"));
    assertEquals("1e3", canonical("1e3"));
  }

  @Test
  void binaryQuantitiesStayBinaryWhenWholeAndLarge() {
    assertEquals("500Mi", canonical("500Mi"));
    assertEquals("1Gi", canonical("1024Mi"));
    assertEquals("1536Mi", canonical("1.5Gi"));
    assertEquals("512", canonical("0.5Ki"));
    assertEquals("1536Mi", ParsedQuantity.parse("1Gi").plus(ParsedQuantity.parse("512Mi")).toString());
  }

  @Test
  void sumsKeepTheFirstFormatAndCompareInMilliUnits() {
    ParsedQuantity sum = ParsedQuantity.parse("300m").plus(ParsedQuantity.parse("0.3"));
    assertEquals("600m", sum.toString());
    assertEquals(600, sum.milliValue());
    assertEquals(1, sum.wholeValue());
  }
}
