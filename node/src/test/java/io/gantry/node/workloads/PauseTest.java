package io.gantry.node.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pause image as a real process: it stays up, and SIGTERM ends it with exit code 0, as pause.c. */
class PauseTest {

  @Test
  void runsUntilSigtermThenExitsZero() throws Exception {
    Process pause = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Pause.class.getName()).redirectErrorStream(true).start();
    try {
      assertTrue(!pause.waitFor(1, TimeUnit.SECONDS), "pause stays up");
      pause.destroy(); // SIGTERM
      assertTrue(pause.waitFor(10, TimeUnit.SECONDS), "pause ends on SIGTERM");
      assertEquals(0, pause.exitValue());
    } finally {
      pause.destroyForcibly();
    }
  }
}
