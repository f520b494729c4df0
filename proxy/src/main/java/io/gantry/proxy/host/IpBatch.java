package io.gantry.proxy.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs iproute2's {@code ip}: one process per call however many commands it carries
 * ({@code ip -batch -} reads them from stdin), so 10 000 addresses cost one process, not 10 000.
 * Blocks; never call on an event loop.
 */
final class IpBatch {

  private static final long TIMEOUT_SECONDS = 60;

  private IpBatch() {
  }

  /** The output of {@code ip ARGS}; fails with its stderr when it exits non-zero. */
  static String run(List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(args);
    return exec(command, null);
  }

  /**
   * Runs {@code commands} (one {@code ip} command line each, without the leading {@code ip}) in
   * one {@code ip -force -batch -}: every line runs even when one fails, and the failure is
   * reported after.
   */
  static void batch(List<String> commands) throws IOException {
    if (commands.isEmpty()) {
      return;
    }
    exec(List.of("ip", "-force", "-batch", "-"), String.join("\n", commands) + "\n");
  }

  private static String exec(List<String> command, String stdin) throws IOException {
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new IOException(String.join(" ", command) + ": cannot run (" + e.getMessage()
          + "); host network mode needs iproute2's ip on the PATH", e);
    }
    CompletableFuture<byte[]> out = drain(process.getInputStream());
    CompletableFuture<byte[]> err = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": no answer within " + TIMEOUT_SECONDS + " s");
      }
      String stdout = new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        String stderr = new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
        throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": "
            + (stderr.length() > 2000 ? stderr.substring(0, 2000) + "..." : stderr));
      }
      return stdout;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(String.join(" ", command) + ": reading its output failed", e);
    }
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (stream) {
        result.complete(stream.readAllBytes());
      } catch (IOException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }
}
