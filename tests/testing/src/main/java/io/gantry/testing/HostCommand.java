package io.gantry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command run on the host to completion (30 s at most), with no input and its standard error
 * merged into its output: {@code ip}, {@code curl}, {@code ss} and the like in the root-only ITs.
 * A command that cannot start or does not finish in time has exit -1.
 */
public record HostCommand(String command, int exit, String output) {

  private static final long TIMEOUT_SECONDS = 30;

  public static HostCommand run(String... argv) {
    return run(List.of(argv));
  }

  public static HostCommand run(List<String> argv) {
    String command = String.join(" ", argv);
    try {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new HostCommand(command, -1, output + "\n(timed out after " + TIMEOUT_SECONDS + " s)");
      }
      return new HostCommand(command, process.exitValue(), output);
    } catch (IOException e) {
      return new HostCommand(command, -1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    }
  }

  /** This result if the command succeeded; otherwise fails the test with its output. */
  public HostCommand assertOk() {
    if (exit != 0) {
      throw new AssertionError(command + " failed (exit " + exit + "): " + output);
    }
    return this;
  }
}
