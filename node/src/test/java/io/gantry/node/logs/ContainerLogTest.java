package io.gantry.node.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerLogTest {
  @TempDir
  Path dir;

  @Test
  void pumpsTheOutputLineByLineWithStreamAndTime() throws Exception {
    Process process = new ProcessBuilder("sh", "-c", "echo out; echo err >&2").start();
    ContainerLog log = new ContainerLog(dir.resolve("0.log"), 1 << 20, 2);
    Thread out = log.pump(process.getInputStream(), "stdout");
    Thread err = log.pump(process.getErrorStream(), "stderr");
    assertTrue(process.waitFor(10, TimeUnit.SECONDS));
    out.join(Duration.ofSeconds(10));
    err.join(Duration.ofSeconds(10));
    List<String> lines = Files.readAllLines(dir.resolve("0.log"));
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.endsWith(" stdout F out")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.endsWith(" stderr F err")), lines.toString());
  }

  /**
   * Quiet containers: their pumps block in pipe reads for as long as the containers run. On virtual
   * threads, once the JDK let the spare carriers go (after 30 s without work) no virtual thread ran
   * again; the agent's pod watch and exec are virtual threads.
   */
  @Test
  void quietContainersLeaveVirtualThreadsRunningAfterAnIdleSpell() throws Exception {
    int pumps = Math.max(2, Runtime.getRuntime().availableProcessors());
    List<Process> quiet = new ArrayList<>();
    try {
      for (int i = 0; i < (pumps + 1) / 2; i++) {
        Process process = new ProcessBuilder("sleep", "120").start();
        quiet.add(process);
        ContainerLog log = new ContainerLog(dir.resolve(i + ".log"), 1 << 20, 2);
        log.pump(process.getInputStream(), "stdout");
        log.pump(process.getErrorStream(), "stderr");
      }
      Thread.sleep(Duration.ofSeconds(35)); // past the virtual thread scheduler's 30 s keep-alive
      Thread probe = Thread.ofVirtual().start(() -> { });
      assertTrue(probe.join(Duration.ofSeconds(5)), "a virtual thread did not run within 5 s");
    } finally {
      quiet.forEach(Process::destroyForcibly);
    }
  }
}
