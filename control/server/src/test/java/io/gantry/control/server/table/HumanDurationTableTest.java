package io.gantry.control.server.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cases of apimachinery's {@code duration_test.go} (TestHumanDuration and its boundaries). */
class HumanDurationTableTest {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private static final long M = 60 * S;
  private static final long H = 60 * M;
  private static final long D = 24 * H;
  private static final long Y = 365 * D;

  @ParameterizedTest(name = "{0}ns -> {1}")
  @CsvSource({
      // TestHumanDuration
      "1000000000, 1s",
      "70000000000, 70s",
      "190000000000, 3m10s",
      "4200000000000, 70m",
      "169200000000000, 47h",
      "176400000000000, 2d1h",
  })
  void upstreamExamples(long nanos, String expected) {
    assertEquals(expected, HumanDuration.format(Duration.ofNanos(nanos)));
  }

  @Test
  void upstreamExamplesInDaysAndYears() {
    assertEquals("8d", HumanDuration.format(Duration.ofHours(8 * 24 + 2)));
    assertEquals("367d", HumanDuration.format(Duration.ofHours(367 * 24)));
    assertEquals("2y1d", HumanDuration.format(Duration.ofHours(365 * 2 * 24 + 25)));
    assertEquals("8y", HumanDuration.format(Duration.ofHours(365 * 8 * 24 + 2)));
  }

  @Test
  void upstreamBoundaries() {
    assertFormat(-2 * S, "<invalid>");
    assertFormat(-2 * S + 1, "0s");
    assertFormat(0, "0s");
    assertFormat(S - MS, "0s");
    assertFormat(2 * M - MS, "119s");
    assertFormat(2 * M, "2m");
    assertFormat(2 * M + S, "2m1s");
    assertFormat(10 * M - MS, "9m59s");
    assertFormat(10 * M, "10m");
    assertFormat(10 * M + S, "10m");
    assertFormat(3 * H - MS, "179m");
    assertFormat(3 * H, "3h");
    assertFormat(3 * H + M, "3h1m");
    assertFormat(8 * H - MS, "7h59m");
    assertFormat(8 * H, "8h");
    assertFormat(8 * H + 59 * M, "8h");
    assertFormat(2 * D - MS, "47h");
    assertFormat(2 * D, "2d");
    assertFormat(2 * D + H, "2d1h");
    assertFormat(8 * D - MS, "7d23h");
    assertFormat(8 * D, "8d");
    assertFormat(8 * D + 23 * H, "8d");
    assertFormat(2 * Y - MS, "729d");
    assertFormat(2 * Y, "2y");
    assertFormat(2 * Y + 23 * H, "2y");
    assertFormat(2 * Y + 23 * H + 59 * M, "2y");
    assertFormat(2 * Y + 24 * H - MS, "2y");
    assertFormat(2 * Y + 24 * H, "2y1d");
    assertFormat(3 * Y, "3y");
    assertFormat(7 * Y, "7y");
    assertFormat(8 * Y - MS, "7y364d");
    assertFormat(8 * Y, "8y");
    assertFormat(8 * Y + 364 * D, "8y");
    assertFormat(9 * Y, "9y");
  }

  @Test
  void briefExamples() {
    assertFormat(45 * S, "45s");
    assertFormat(5 * M + 10 * S, "5m10s");
    assertFormat(2 * D + 5 * H, "2d5h");
    assertFormat(12 * D, "12d");
    assertFormat(3 * Y + 45 * D, "3y45d");
  }

  @Test
  void sinceWithoutTimestampIsUnknown() {
    Instant now = Instant.parse("2024-05-01T12:00:00Z");
    assertEquals("<unknown>", HumanDuration.since(null, now));
    assertEquals("90s", HumanDuration.since(now.minusSeconds(90), now));
  }

  private static void assertFormat(long nanos, String expected) {
    assertEquals(expected, HumanDuration.format(Duration.ofNanos(nanos)), nanos + "ns");
  }
}
