package io.gantry.cli.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs iproute2's {@code ip}: one process per call or per batch, failing with {@code ip}'s own message. */
final class Ip {
  private static final long TIMEOUT_SECONDS = 30;

  private Ip() {
  }

  /** {@code ip args...}; throws with the command and its output when it fails. */
  static String run(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    return exec(command, null);
  }

  /** {@code ip [-n netns] -batch -} with {@code lines} on stdin; {@code netns} null for this namespace. */
  static void batch(String netns, List<String> lines) throws IOException {
    if (lines.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("ip"));
    if (netns != null) {
      command.addAll(List.of("-n", netns));
    }
    command.addAll(List.of("-batch", "-"));
    exec(command, String.join("\n", lines) + "\n");
  }

  /** {@code ip args...}, ignoring failure: for clean-up of what may already be gone. */
  static void quietly(String... args) {
    try {
      run(args);
    } catch (IOException e) {
      // already gone, or never made
    }
  }

  /** {@code ip netns exec NETNS sh -c SCRIPT}. */
  static void inNamespace(String netns, String script) throws IOException {
    exec(List.of("ip", "netns", "exec", netns, "sh", "-c", script), null);
  }

  private static String exec(List<String> command, String stdin) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      try (var in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } else {
      process.getOutputStream().close();
    }
    String output;
    try (InputStream out = process.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": no answer within " + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + output
          + (stdin == null ? "" : "\ninput:\n" + stdin));
    }
    return output;
  }
}
