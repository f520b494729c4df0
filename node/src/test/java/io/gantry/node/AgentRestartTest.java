package io.gantry.node;

import static io.gantry.node.ControlFixture.await;
import static io.gantry.node.ControlFixture.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restarted agent gives its pods their addresses back, and kills what a crashed run left behind. */
class AgentRestartTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void aRestartedAgentRestartsItsPodsOnTheSameAddressesAndKillsLeftovers() throws Exception {
    try (ControlFixture control = ControlFixture.start(dir.resolve("control"), Duration.ofSeconds(40))) {
      NodeAgentConfig config = NodeAgentConfig.builder("restart-node", "127.0.0.31", dir.resolve("node"))
          .heartbeatInterval(Duration.ofSeconds(1)).build();
      String path = "/api/v1/namespaces/default/pods/sleeper";
      JsonNode before;
      try (NodeAgent agent = NodeAgent.start(config, control.api)) {
        control.api.create("/api/v1/namespaces/default/pods", yaml("""
            apiVersion: v1
            kind: Pod
            metadata: {name: sleeper}
            spec:
              nodeName: restart-node
              terminationGracePeriodSeconds: 1
              containers: [{name: main, image: /bin/sleep, args: ["600"]}]
            """));
        before = await("sleeper running", WAIT, () -> {
          JsonNode p = control.api.get(path);
          return p.at("/status/containerStatuses/0/state/running").isObject() ? p : null;
        });
      }
      long oldPid = Long.parseLong(before.at("/status/containerStatuses/0/containerID").asText().substring(9));
      assertFalse(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false), "stopped with the agent");

      // a process a crashed run recorded: the next run kills it
      Process orphan = new ProcessBuilder("/bin/sleep", "600").start();
      Files.writeString(dir.resolve("node").resolve("processes").resolve(Long.toString(orphan.pid())),
          orphan.info().startInstant().orElseThrow().toString());

      try (NodeAgent agent = NodeAgent.start(config, control.api)) {
        assertEquals(true, orphan.waitFor(10, TimeUnit.SECONDS), "the leftover process is killed");
        JsonNode after = await("sleeper running again", WAIT, () -> {
          JsonNode p = control.api.get(path);
          JsonNode cs = p.at("/status/containerStatuses/0");
          return cs.path("restartCount").asInt() == 1 && cs.at("/state/running").isObject() ? p : null;
        });
        assertEquals(before.at("/status/podIP").asText(), after.at("/status/podIP").asText());
        assertEquals("ContainerStatusUnknown",
            after.at("/status/containerStatuses/0/lastState/terminated/reason").asText(), after.toString());
      } finally {
        orphan.destroyForcibly();
      }
    }
  }

  @Test
  void aRestartedAgentDoesNotRunCompletedInitContainersAgain() throws Exception {
    try (ControlFixture control = ControlFixture.start(dir.resolve("control"), Duration.ofSeconds(40))) {
      NodeAgentConfig config = NodeAgentConfig.builder("restart-init-node", "127.0.0.33", dir.resolve("node"))
          .heartbeatInterval(Duration.ofSeconds(1)).build();
      String path = "/api/v1/namespaces/default/pods/initialized";
      JsonNode before;
      try (NodeAgent agent = NodeAgent.start(config, control.api)) {
        control.api.create("/api/v1/namespaces/default/pods", yaml("""
            apiVersion: v1
            kind: Pod
            metadata: {name: initialized}
            spec:
              nodeName: restart-init-node
              terminationGracePeriodSeconds: 1
              initContainers: [{name: setup, image: /bin/sh, args: ["-c", "echo ran >> runs"]}]
              containers: [{name: main, image: /bin/sleep, args: ["600"]}]
            """));
        before = await("initialized running", WAIT, () -> {
          JsonNode p = control.api.get(path);
          return p.at("/status/containerStatuses/0/state/running").isObject() ? p : null;
        });
      }
      try (NodeAgent agent = NodeAgent.start(config, control.api)) {
        JsonNode after = await("main running again", WAIT, () -> {
          JsonNode p = control.api.get(path);
          JsonNode cs = p.at("/status/containerStatuses/0");
          return cs.path("restartCount").asInt() == 1 && cs.at("/state/running").isObject() ? p : null;
        });
        JsonNode setup = after.at("/status/initContainerStatuses/0");
        assertEquals("Completed", setup.at("/state/terminated/reason").asText(), setup.toString());
        assertEquals(0, setup.path("restartCount").asInt(), setup.toString());
        assertEquals(before.at("/status/initContainerStatuses/0/containerID").asText(),
            setup.path("containerID").asText());
        Path runs = dir.resolve("node").resolve("pods").resolve(after.at("/metadata/uid").asText()).resolve("runs");
        assertEquals("ran\n", Files.readString(runs));
      }
    }
  }
}
