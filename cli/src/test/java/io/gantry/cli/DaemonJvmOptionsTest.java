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
    List<String> defaults = DaemonJvmOptions.proxy(null);
    List<String> options = DaemonJvmOptions.proxy("  -Xmx1g   -Xlog:gc ");
    assertEquals(defaults, options.subList(0, defaults.size()));
    assertEquals(List.of("-Xmx1g", "-Xlog:gc"), options.subList(defaults.size(), options.size()));
  }

  @Test
  void theDefaultsPickNoCollectorSoThatUsersCanPickOne() {
    assertTrue(DaemonJvmOptions.proxy(null).stream().noneMatch(o -> o.matches("-XX:\\+Use\\w+GC")));
  }

  @Test
  void optionsGatedByJdkReleaseAreLeftOutOnOlderJdks() {
    List<String> onJdk21 = DaemonJvmOptions.read("proxy.jvm-options", 21);
    List<String> onJdk25 = DaemonJvmOptions.read("proxy.jvm-options", 25);
    assertFalse(onJdk21.contains("-XX:+UseCompactObjectHeaders"), onJdk21.toString());
    assertTrue(onJdk25.contains("-XX:+UseCompactObjectHeaders"), onJdk25.toString());
    assertEquals(onJdk21, onJdk25.stream().filter(o -> !o.equals("-XX:+UseCompactObjectHeaders")).toList());
  }

  @Test
  void noUserOptions() {
    assertEquals(List.of(), DaemonJvmOptions.split(null));
    assertEquals(List.of(), DaemonJvmOptions.split("   "));
  }
}
