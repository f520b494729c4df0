package io.gantry.node.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container whose program cannot start fails as runc reports it, before anything is launched. */
class LaunchUnrunnableTest {

  @TempDir Path dir;

  private Launch.Plan plan(String program, Map<String, String> env) {
    return new Launch.Plan(List.of(program, "arg"), env, dir, "");
  }

  @Test
  void programsAreLookedUpAsAnExecDoes() throws Exception {
    assertNull(Launch.unrunnable(plan("sh", Map.of())), "found in the default PATH");
    assertEquals("failed to start container process: exec: \"gantry-no-such\": executable file not found in $PATH",
        Launch.unrunnable(plan("gantry-no-such", Map.of("PATH", "/usr/bin"))));
    assertNull(Launch.unrunnable(plan("sh", Map.of("PATH", dir.toString()))), "also the agent's PATH, which the JDK"
        + " searches");
    assertEquals("failed to start container process: exec: \"/no/such/binary\": stat /no/such/binary: no such file"
        + " or directory", Launch.unrunnable(plan("/no/such/binary", Map.of())));
    Path script = Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\n");
    assertEquals("failed to start container process: exec: \"./run.sh\": permission denied",
        Launch.unrunnable(plan("./run.sh", Map.of())), "relative to the working directory, not executable");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertNull(Launch.unrunnable(plan("./run.sh", Map.of())));
    assertNull(Launch.unrunnable(plan("run.sh", Map.of("PATH", dir.toString()))));
  }
}
