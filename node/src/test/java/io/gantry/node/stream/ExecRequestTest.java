package io.gantry.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecRequestTest {

  @Test
  void parsesTheQueryTheApiServerPassesOn() {
    ExecRequest request = ExecRequest.parse(Map.of("command", List.of("sh", "-c", "echo hi"),
        "stdin", List.of("true"), "stdout", List.of("1"), "stderr", List.of("true")));
    assertEquals(List.of("sh", "-c", "echo hi"), request.command());
    assertTrue(request.stdin() && request.stdout() && request.stderr());
    assertFalse(request.tty());
  }

  @Test
  void aTerminalMergesStandardError() {
    ExecRequest request = ExecRequest.parse(Map.of("command", List.of("sh"), "stdout", List.of("true"),
        "stderr", List.of("true"), "tty", List.of("true")));
    assertTrue(request.tty());
    assertFalse(request.stderr());
  }

  @Test
  void rejectsWhatCannotRun() {
    assertThrows(IllegalArgumentException.class, () -> ExecRequest.parse(Map.of("stdout", List.of("true"))));
    assertThrows(IllegalArgumentException.class, () -> ExecRequest.parse(Map.of("command", List.of("ls"))));
  }

  @Test
  void shellQuotingSurvivesTheShell() throws Exception {
    List<String> words = List.of("printf", "%s|", "it's", "a b", "$HOME", "\"q\"", "`x`");
    Process sh = new ProcessBuilder("sh", "-c", ShellQuote.join(words)).start();
    String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, sh.waitFor());
    assertEquals("it's|a b|$HOME|\"q\"|`x`|", out);
  }
}
