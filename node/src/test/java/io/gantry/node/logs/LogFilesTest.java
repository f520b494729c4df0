package io.gantry.node.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesTest {

  @TempDir
  Path dir;

  private LogFiles logs() throws Exception {
    LogFiles logs = new LogFiles(dir);
    Path file = logs.containerFile(logs.podDir("default", "web", "uid-1"), "default", "web", "c", 0);
    Files.writeString(file, """
        2026-01-01T10:00:00.000000001Z stdout F old
        2026-01-01T10:00:05.5Z stderr P half-
        2026-01-01T10:00:05.6Z stderr F line
        2026-01-01T10:00:10Z stdout F new
        """);
    return logs;
  }

  @Test
  void sinceKeepsOnlyLinesWrittenAtOrAfterIt() throws Exception {
    LogFiles logs = logs();
    assertEquals("old\nhalf-line\nnew\n", logs.read("default", "web", "c", false, -1, false, null));
    assertEquals("half-line\nnew\n",
        logs.read("default", "web", "c", false, -1, false, Instant.parse("2026-01-01T10:00:01Z")));
    assertEquals("2026-01-01T10:00:10Z new\n",
        logs.read("default", "web", "c", false, -1, true, Instant.parse("2026-01-01T10:00:10Z")));
    assertEquals("", logs.read("default", "web", "c", false, -1, false, Instant.parse("2026-01-01T11:00:00Z")));
  }

  @Test
  void sinceAppliesBeforeTailLines() throws Exception {
    assertEquals("new\n", logs().read("default", "web", "c", false, 1, false, Instant.parse("2026-01-01T10:00:01Z")));
  }
}
