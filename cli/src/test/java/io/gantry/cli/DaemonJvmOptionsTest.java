package io.gantry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonJvmOptionsTest {

  @Test
  void theProxyDefaultsAreOptionsWithoutComments() {
    List<String> options = DaemonJvmOptions.proxy(null);
    assertFalse(options.isEmpty());
    assertTrue(options.stream().allMatch(o -> o.startsWith("-") && !o.contains(" ")), options.toString());
  }

  @Test
  void userOptionsComeLastSoThatTheyWin() {
    List<String> options = DaemonJvmOptions.merge(List.of("-Xmx192m", "-XX:MaxGCPauseMillis=10"),
        DaemonJvmOptions.split("  -Xmx1g   -Xlog:gc "));
    assertEquals(List.of("-Xmx192m", "-XX:MaxGCPauseMillis=10", "-Xmx1g", "-Xlog:gc"), options);
  }

  @Test
  void aCollectorTheUserPicksReplacesTheDefaultOne() {
    assertEquals(List.of("-Xmx192m", "-XX:+UseParallelGC"),
        DaemonJvmOptions.merge(List.of("-XX:+UseSerialGC", "-Xmx192m"), List.of("-XX:+UseParallelGC")));
    assertEquals(List.of("-XX:+UseSerialGC", "-Xmx192m", "-Xmx256m"),
        DaemonJvmOptions.merge(List.of("-XX:+UseSerialGC", "-Xmx192m"), List.of("-Xmx256m")));
  }

  @Test
  void noUserOptions() {
    assertEquals(List.of(), DaemonJvmOptions.split(null));
    assertEquals(List.of(), DaemonJvmOptions.split("   "));
  }
}
