package io.gantry.node.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchTest {

  @Test
  void expandsDefinedVariablesAndEscapes() {
    Map<String, String> env = Map.of("A", "1", "B", "two");
    assertEquals("1-two", Launch.expand("$(A)-$(B)", env));
    assertEquals("$(UNDEFINED)", Launch.expand("$(UNDEFINED)", env));
    assertEquals("$(A)", Launch.expand("$$(A)", env));
    assertEquals("cost $5", Launch.expand("cost $5", env));
    assertEquals("$(A", Launch.expand("$(A", env));
  }

  @Test
  void builtInImagesAcceptTagsAndTheDockerHubPrefix() {
    assertEquals("io.gantry.node.workloads.EchoHttp", Launch.builtIn("gantry/echo-http"));
    assertEquals("io.gantry.node.workloads.EchoHttp", Launch.builtIn("gantry/echo-http:1.0"));
    assertEquals("io.gantry.node.workloads.Probe", Launch.builtIn("docker.io/gantry/probe:latest"));
    assertNull(Launch.builtIn("nginx"));
  }
}
