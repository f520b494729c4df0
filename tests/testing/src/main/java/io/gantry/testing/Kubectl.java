package io.gantry.testing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code kubectl} binary bound to one kubeconfig and a private {@code --cache-dir} (so every
 * fixture starts with a cold discovery cache). Immutable: {@link #withEnv} and {@link #withTimeout}
 * return siblings sharing the cache dir.
 */
public final class Kubectl {

  /** {@code kubectl} as found on PATH. */
  public static final Path DEFAULT_BINARY = Path.of("kubectl");

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final Path binary;
  private final Path kubeconfig;
  private final Path cacheDir;
  private final Map<String, String> env;
  private final Duration timeout;

  private Kubectl(Path binary, Path kubeconfig, Path cacheDir, Map<String, String> env, Duration timeout) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
    this.env = Map.copyOf(env);
    this.timeout = timeout;
  }

  /** {@code binary} with {@code kubeconfig}; the cache dir is created beside the kubeconfig. */
  public static Kubectl of(Path binary, Path kubeconfig) {
    requireNonNull(binary, "binary");
    requireNonNull(kubeconfig, "kubeconfig");
    try {
      Path cacheDir = Files.createTempDirectory(kubeconfig.toAbsolutePath().getParent(), "kubectl-cache-");
      return new Kubectl(binary, kubeconfig, cacheDir, Map.of(), DEFAULT_TIMEOUT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code kubectl.<version>} (e.g. {@code kubectl.1.27}) next to the real kubectl on PATH (the
   * Cloud SDK installs versioned binaries there), if it exists.
   */
  public static Optional<Path> version(String version) {
    requireNonNull(version, "version");
    return realKubectl().map(real -> real.resolveSibling("kubectl." + version)).filter(Files::isExecutable);
  }

  private static Optional<Path> realKubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        try {
          return Optional.of(candidate.toRealPath());
        } catch (IOException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** The same kubectl with an extra environment variable (e.g. {@code KUBE_EDITOR}). */
  public Kubectl withEnv(String name, String value) {
    Map<String, String> more = new HashMap<>(env);
    more.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
    return new Kubectl(binary, kubeconfig, cacheDir, more, timeout);
  }

  /** The same kubectl with another per-call timeout. */
  public Kubectl withTimeout(Duration other) {
    return new Kubectl(binary, kubeconfig, cacheDir, env, requireNonNull(other, "other"));
  }

  public Path binary() {
    return binary;
  }

  /** Runs {@code kubectl args…} with no input. */
  public Result run(String... args) {
    return runWithInput(null, args);
  }

  /** Runs {@code kubectl args…} with {@code stdin} as standard input (e.g. for {@code apply -f -}). */
  public Result runWithInput(String stdin, String... args) {
    List<String> command = command(args);
    try {
      Path out = Files.createTempFile(cacheDir, "out-", ".txt");
      Path err = Files.createTempFile(cacheDir, "err-", ".txt");
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
            + "\n--- stdout ---\n" + Files.readString(out) + "\n--- stderr ---\n" + Files.readString(err));
      }
      Result result = new Result(String.join(" ", command), process.exitValue(),
          Files.readString(out), Files.readString(err));
      Files.delete(out);
      Files.delete(err);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Starts {@code kubectl args…} in the background (e.g. {@code get -w}); close it to kill it. */
  public Background start(String... args) {
    List<String> command = command(args);
    try {
      Path out = Files.createTempFile(cacheDir, "bg-out-", ".txt");
      Path err = Files.createTempFile(cacheDir, "bg-err-", ".txt");
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(env);
      return new Background(String.join(" ", command), builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", command), e);
    }
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + cacheDir);
    command.addAll(List.of(args));
    return command;
  }

  /** What one kubectl call did. */
  public record Result(String command, int exitCode, String stdout, String stderr) {

    /** Fails unless the exit code is 0. */
    public Result assertOk() {
      if (exitCode != 0) {
        throw new AssertionError("expected success: " + this);
      }
      return this;
    }

    /** Fails if the exit code is 0. */
    public Result assertFailed() {
      if (exitCode == 0) {
        throw new AssertionError("expected failure: " + this);
      }
      return this;
    }

    /** Fails unless stdout contains {@code text}. */
    public Result assertStdoutContains(String text) {
      if (!stdout.contains(text)) {
        throw new AssertionError("expected stdout to contain \"" + text + "\": " + this);
      }
      return this;
    }

    /** Fails unless stderr contains {@code text}. */
    public Result assertStderrContains(String text) {
      if (!stderr.contains(text)) {
        throw new AssertionError("expected stderr to contain \"" + text + "\": " + this);
      }
      return this;
    }

    /** Stdout parsed as JSON (for {@code -o json}); fails unless the call succeeded. */
    public JsonNode json() {
      assertOk();
      return Json.parse(stdout);
    }

    /** Stdout parsed as kubectl's column output; fails unless the call succeeded. */
    public PrintedTable table() {
      assertOk();
      return PrintedTable.parse(stdout);
    }

    @Override
    public String toString() {
      return command + "\nexit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
  }

  /** A kubectl process running in the background, its output collected in files. */
  public static final class Background implements AutoCloseable {

    private final String command;
    private final Process process;
    private final Path out;
    private final Path err;

    private Background(String command, Process process, Path out, Path err) {
      this.command = command;
      this.process = process;
      this.out = out;
      this.err = err;
    }

    /** Everything printed on stdout so far. */
    public String stdout() {
      return read(out);
    }

    /** Everything printed on stderr so far. */
    public String stderr() {
      return read(err);
    }

    /**
     * Waits until stdout satisfies {@code condition}; fails with the output so far if it does not
     * within {@code timeout}.
     */
    public String awaitStdout(java.util.function.Predicate<String> condition, Duration timeout, String what) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        String sofar = stdout();
        if (condition.test(sofar)) {
          return sofar;
        }
        if (System.nanoTime() > deadline || !process.isAlive() && !condition.test(stdout())) {
          throw new AssertionError("expected " + what + " within " + timeout + " from " + command
              + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")")
              + "\n--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr());
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    }

    private static String read(Path file) {
      try {
        return Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
