package io.gantry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** Duration flags take Go's syntax, as Kubernetes' components do, and ISO-8601. */
class DurationConverterTest {

  private final DurationConverter converter = new DurationConverter();

  @Test
  void goSyntax() {
    assertEquals(Duration.ofSeconds(20), converter.convert("20s"));
    assertEquals(Duration.ofSeconds(90), converter.convert("1m30s"));
    assertEquals(Duration.ofMillis(300), converter.convert("300ms"));
    assertEquals(Duration.ofMinutes(90), converter.convert("1.5h"));
    assertEquals(Duration.ofNanos(1_500), converter.convert("1us500ns"));
    assertEquals(Duration.ZERO, converter.convert("0"));
    assertEquals(Duration.ofSeconds(-5), converter.convert("-5s"));
  }

  @Test
  void isoSyntax() {
    assertEquals(Duration.ofSeconds(300), converter.convert("PT300S"));
    assertEquals(Duration.ofMinutes(5), converter.convert("pt5m"));
  }

  @Test
  void anythingElseSaysWhatIsExpected() {
    for (String bad : new String[] {"", "20", "20x", "s", "1..5s", "PT", "9999999999h", "-"}) {
      TypeConversionException e = assertThrows(TypeConversionException.class, () -> converter.convert(bad), bad);
      assertTrue(e.getMessage().contains("Go syntax such as 20s"), e.getMessage());
    }
  }
}
