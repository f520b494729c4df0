package io.gantry.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A program that cannot start is reported in runc's words, without the agent's paths. */
class ExecStartFailureTest {

  @TempDir Path dir;

  @Test
  void aMissingProgramIsNotFoundInPath() {
    IOException e = assertThrows(IOException.class,
        () -> new ProcessBuilder("gantry-no-such-program").directory(dir.toFile()).start());
    assertEquals("executable file not found in $PATH", ExecProcess.startFailure(e, "gantry-no-such-program"));
    IOException path = assertThrows(IOException.class,
        () -> new ProcessBuilder("/no/such/program").directory(dir.toFile()).start());
    assertEquals("stat /no/such/program: no such file or directory", ExecProcess.startFailure(path, "/no/such/program"));
  }

  @Test
  void aFileThatIsNotExecutableIsPermissionDenied() throws Exception {
    Path script = Files.writeString(dir.resolve("plain"), "echo hi\n");
    IOException e = assertThrows(IOException.class,
        () -> new ProcessBuilder(script.toString()).directory(dir.toFile()).start());
    assertEquals("permission denied", ExecProcess.startFailure(e, script.toString()));
  }
}
