package io.gantry.node.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostNetworkConfigTest {

  @TempDir
  Path dir;

  @Test
  void netnsNameIsGpAndTwelveHexDigitsOfTheUid() {
    assertEquals("gp-695b2953f3b9", HostPodNetwork.netnsName("695B2953-f3b9-4c1e-9a7d-0123456789ab"));
    assertEquals(15, HostPodNetwork.netnsName("695b2953-f3b9-4c1e-9a7d-0123456789ab").length());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HostPodNetwork.netnsName("../../etc-passwd"));
    assertTrue(e.getMessage().contains("expected: a UUID"), e.getMessage());
  }

  @Test
  void rejectsBadSettingsNamingTheField() {
    assertEquals("bridge: this-name-is-too-long (expected: an interface name of 1-15 letters, digits, '_', '.' or '-')",
        assertThrows(IllegalArgumentException.class,
            () -> new HostNetworkConfig(dir, "this-name-is-too-long", "10.96.0.10", "cluster.local")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new HostNetworkConfig(dir, "gantry0", "10.96.0.300", "cluster.local")).getMessage()
        .startsWith("clusterDns: 10.96.0.300"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new HostNetworkConfig(dir, "gantry0", "10.96.0.10", "Cluster..local")).getMessage()
        .startsWith("clusterDomain: Cluster..local"));
  }

  @Test
  void aMissingPluginIsAProblemThatSaysWhatToDo() {
    List<String> problems = new HostNetworkConfig(dir, "gantry0", "10.96.0.10", "cluster.local").problems();
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("--cni-bin: " + dir + " has no executable gantry-cni")
        && p.contains("./mvnw -pl cni-plugin -am package")), problems.toString());
  }

  @Test
  void loopbackModeRunsCommandsAsTheyAre() {
    assertEquals(List.of(), new LoopbackPodNetwork(dir.resolve("ipam")).commandPrefix("any"));
  }

  @Test
  void hostModeRunsCommandsInsideThePodsNamespace() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.writeString(bin.resolve("gantry-cni"), "#!/bin/sh\nexit 1\n");
    Files.setPosixFilePermissions(bin.resolve("gantry-cni"), PosixFilePermissions.fromString("rwx------"));
    HostNetworkConfig config = new HostNetworkConfig(bin, "gantry0", "10.96.0.10", "cluster.local");
    Assumptions.assumeTrue(config.problems().isEmpty(), "host mode is not possible here: " + config.problems());
    HostPodNetwork network = new HostPodNetwork(config, dir.resolve("data"));
    assertEquals(List.of(HostCommand.find("ip"), "netns", "exec", "gp-695b2953f3b9"),
        network.commandPrefix("695b2953-f3b9-4c1e-9a7d-0123456789ab"));
    assertEquals("host", network.mode());
    assertTrue(!network.ready(), "no pod CIDR yet");
  }
}
