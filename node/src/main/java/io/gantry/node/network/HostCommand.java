package io.gantry.node.network;

import io.gantry.node.PipeThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short host command ({@code ip}, the CNI plugin) to completion with a deadline and bounded
 * output. Blocking: call it from a virtual thread.
 */
final class HostCommand {

  /** Where system binaries are looked up: the agent may run with a minimal PATH. */
  static final List<String> DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin",
      "/usr/local/bin");
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final int MAX_OUTPUT = 1 << 20;

  /** What a command printed and how it ended. */
  record Output(int exit, String stdout, String stderr) {}

  private HostCommand() {}

  /** The absolute path of {@code name} in {@link #DIRS}, or null. */
  static String find(String name) {
    for (String dir : DIRS) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          return "0".equals(line.substring(4).strip().split("\\s+")[1]); // the effective UID
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or /proc is not mounted: then not root in any way that matters here
    }
    return false;
  }

  /**
   * Runs {@code argv} with exactly {@code env} (plus a system PATH), {@code stdin} (or nothing)
   * as input; kills it after {@code timeout}.
   */
  static Output run(List<String> argv, Map<String, String> env, String stdin, Duration timeout) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().clear();
    builder.environment().put("PATH", PATH);
    builder.environment().put("LC_ALL", "C");
    builder.environment().putAll(env);
    Process process = builder.start();
    String[] output = {"", ""};
    Thread stdout = PipeThreads.start("host-command-stdout", () -> output[0] = read(process.getInputStream()));
    Thread stderr = PipeThreads.start("host-command-stderr", () -> output[1] = read(process.getErrorStream()));
    try {
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(String.join(" ", argv) + ": no answer within " + timeout.toSeconds() + " s");
      }
      stdout.join(Duration.ofSeconds(5));
      stderr.join(Duration.ofSeconds(5));
      return new Output(process.exitValue(), output[0], output[1]);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", argv) + ": interrupted", e);
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  /** {@link #run}, failing with the command's stderr when it exits non-zero. */
  static Output check(List<String> argv, Duration timeout) throws IOException {
    Output out = run(argv, Map.of(), null, timeout);
    if (out.exit() != 0) {
      throw new IOException(String.join(" ", argv) + " failed (exit " + out.exit() + "): " + out.stderr().strip());
    }
    return out;
  }

  private static String read(InputStream stream) {
    try (stream) {
      byte[] bytes = stream.readNBytes(MAX_OUTPUT);
      stream.transferTo(OutputStream.nullOutputStream());
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
