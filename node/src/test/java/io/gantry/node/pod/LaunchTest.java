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
  void anExecProbesCommandIsExpandedFromTheLiteralEnvOnly() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var probe = json.readTree("{\"periodSeconds\": 1, \"exec\": {\"command\": [\"test\", \"$(FOO)\", \"$(REF)\","
        + " \"$(NONE)\", \"$$(FOO)\"]}}");
    var env = json.readTree("[{\"name\": \"FOO\", \"value\": \"bar\"},"
        + " {\"name\": \"REF\", \"valueFrom\": {\"fieldRef\": {\"fieldPath\": \"metadata.name\"}}}]");
    assertEquals("[\"test\",\"bar\",\"\",\"$(NONE)\",\"$(FOO)\"]",
        Launch.expandExecCommand(probe, env).at("/exec/command").toString());
    assertEquals(1, Launch.expandExecCommand(probe, env).path("periodSeconds").asInt());
  }

  @Test
  void builtInImagesAcceptTagsAndTheDockerHubPrefix() {
    assertEquals("io.gantry.node.workloads.EchoHttp", Launch.builtIn("gantry/echo-http"));
    assertEquals("io.gantry.node.workloads.EchoHttp", Launch.builtIn("gantry/echo-http:1.0"));
    assertEquals("io.gantry.node.workloads.Probe", Launch.builtIn("docker.io/gantry/probe:latest"));
    assertEquals("io.gantry.node.workloads.Pause", Launch.builtIn("registry.k8s.io/pause:3.10"));
    assertEquals("io.gantry.node.workloads.Pause", Launch.builtIn("k8s.gcr.io/pause:3.2"));
    assertNull(Launch.builtIn("nginx"));
  }
}
