package io.gantry.common.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link GoDuration} against outputs of Go's {@code time.Duration.String()}. */
class GoDurationTest {

  @ParameterizedTest
  @CsvSource({
      "0, 0s",
      "1, 1ns",
      "1100, 1.1µs",
      "2200000, 2.2ms",
      "1000000000, 1s",
      "3300000000, 3.3s",
      "60000000000, 1m0s",
      "3600000000000, 1h0m0s",
      "4000000000000, 1h6m40s",
      "5400000000000, 1h30m0s",
      "3723500000000, 1h2m3.5s",
      "-1500000000, -1.5s",
      "9223372036854775807, 2562047h47m16.854775807s",
      "-9223372036854775808, -2562047h47m16.854775808s"})
  void formatsLikeGo(long nanos, String expected) {
    assertEquals(expected, GoDuration.format(nanos));
  }
}
