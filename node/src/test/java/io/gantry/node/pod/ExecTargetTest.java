package io.gantry.node.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exec'ed commands resolve the built-in images' tools as the images' entrypoints do. */
class ExecTargetTest {

  private static final List<String> JAVA = List.of("java", "-cp", "gantry.jar");

  private static ExecTarget target(String image) {
    return new ExecTarget("uid", "127.244.0.2", Map.of(), Path.of("/tmp"), image);
  }

  @Test
  void builtInToolNamesRunTheirMainClassInBuiltInImages() {
    assertEquals(List.of("java", "-cp", "gantry.jar", "io.gantry.node.workloads.Probe", "tcp", "h:1"),
        target("gantry/probe:latest").resolve(List.of("probe", "tcp", "h:1"), JAVA));
  }

  @Test
  void otherCommandsAndOtherImagesRunAsGiven() {
    assertEquals(List.of("sh", "-c", "true"), target("gantry/probe").resolve(List.of("sh", "-c", "true"), JAVA));
    assertEquals(List.of("probe", "tcp"), target("/usr/bin/env").resolve(List.of("probe", "tcp"), JAVA));
  }
}
