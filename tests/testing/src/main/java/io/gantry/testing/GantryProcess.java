package io.gantry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code gantry up} as a real child process on a temporary data dir and a free port, run by the
 * same JDK as the tests. Output goes to {@code <dataDir>/gantry.log} (appended across restarts).
 *
 * <p>The jar is {@code $GANTRY_JAR} if set, else the system property {@code gantry.jar} (the
 * tests/it pom sets it; {@code -Dgantry.jar=…} on the Maven command line overrides it).
 *
 * <p>Lifecycle: {@link #start} returns once the process printed "Gantry is up" and {@code /readyz}
 * answers 200 over TLS with the generated CA; {@link #restart} and {@link #kill} reuse the data dir
 * and port; {@link #close} stops the process (SIGTERM, then SIGKILL after 10 s) and deletes the data
 * dir unless the system property {@code gantry.keep} is {@code true}.
 */
public final class GantryProcess implements AutoCloseable {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final String READY_LINE = "Gantry is up";
  private static final int MAX_START_ATTEMPTS = 3;

  private final Path jar;
  private final Path dataDir;
  private final int port;
  private final List<String> extraArgs;
  private Process process;

  private GantryProcess(Path jar, Path dataDir, int port, List<String> extraArgs) {
    this.jar = jar;
    this.dataDir = dataDir;
    this.port = port;
    this.extraArgs = List.copyOf(extraArgs);
  }

  /**
   * Starts {@code gantry up} with {@code extraArgs} (e.g. {@code "--watch-history", "PT2S"}) and
   * waits until it is ready; on failure the exception carries the end of the log.
   */
  public static GantryProcess start(String... extraArgs) {
    Path jar = locateJar();
    for (int attempt = 1; ; attempt++) {
      GantryProcess gantry;
      try {
        gantry = new GantryProcess(jar, Files.createTempDirectory("gantry-it-"), FreePort.find(), List.of(extraArgs));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        gantry.launch();
        return gantry;
      } catch (IOException e) {
        gantry.close();
        throw new UncheckedIOException(e);
      } catch (IllegalStateException e) {
        gantry.close();
        // a port found free was taken before gantry bound it (the race FreePort warns of): new ports
        if (attempt == MAX_START_ATTEMPTS || !String.valueOf(e.getMessage()).contains("Failed to bind")) {
          throw e;
        }
      }
    }
  }

  /** The gantry jar the tests run. */
  public static Path locateJar() {
    String fromEnv = System.getenv("GANTRY_JAR");
    String location = fromEnv != null && !fromEnv.isBlank() ? fromEnv : System.getProperty("gantry.jar");
    if (location == null || location.isBlank()) {
      throw new IllegalStateException("gantry.jar: unset (expected: GANTRY_JAR or -Dgantry.jar=path/to/gantry.jar)");
    }
    Path jar = Path.of(location).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("gantry.jar: " + jar + " (expected: an existing file; build cli first)");
    }
    return jar;
  }

  /** Ports of the DataPlane stream and the admin endpoint: chosen once, kept across restarts. */
  private final int dataPlanePort = FreePort.find();
  private final int adminPort = FreePort.find();
  private final int dnsPort = FreePort.find();

  /** Where the in-process DNS serves UDP and TCP on the API address (127.0.0.1 unless given). */
  public int dnsPort() {
    return dnsPort;
  }

  /** Where {@code /metrics}, {@code /status}, {@code /healthz} listen (plain HTTP on the API address). */
  public int adminPort() {
    return adminPort;
  }

  /** Where the DataPlane gRPC stream listens on the API address. */
  public int dataPlanePort() {
    return dataPlanePort;
  }

  /** {@code <API address>:<dataPlanePort>}, for a DataPlane client. */
  public java.net.InetSocketAddress dataPlaneAddress() {
    return new java.net.InetSocketAddress(url().getHost(), dataPlanePort);
  }

  /** {@code GET http://<API address>:<adminPort><path>} (e.g. {@code /metrics}, {@code /status}). */
  public java.net.http.HttpResponse<String> admin(String path) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + url().getHost() + ":" + adminPort + path))
        .timeout(Duration.ofSeconds(10)).build();
    try {
      return http.send(request, BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Runs another gantry command from the same jar ({@code java -jar gantry.jar args…}, e.g.
   * {@code status --admin-address …}) to completion, within 60 s.
   */
  public static CliResult runCli(String... args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-jar", locateJar().toString()));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("gantry-cli-out-", ".txt");
      Path err = Files.createTempFile("gantry-cli-err-", ".txt");
      try {
        Process cli = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!cli.waitFor(60, TimeUnit.SECONDS)) {
          cli.destroyForcibly().waitFor();
          throw new AssertionError(String.join(" ", command) + " did not finish within 60 s\n--- stdout ---\n"
              + Files.readString(out) + "\n--- stderr ---\n" + Files.readString(err));
        }
        return new CliResult(String.join(" ", command), cli.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** What one {@link #runCli} call did. */
  public record CliResult(String command, int exitCode, String stdout, String stderr) {

    /** Fails unless the exit code is 0. */
    public CliResult assertOk() {
      if (exitCode != 0) {
        throw new AssertionError("expected success: " + this);
      }
      return this;
    }

    @Override
    public String toString() {
      return command + "\nexit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
  }

  private void launch() throws IOException {
    Path log = log();
    long logOffset = Files.exists(log) ? Files.size(log) : 0;
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString(), "up",
        "--data-dir", dataDir.toString(), "--api-port", Integer.toString(port),
        "--data-plane-port", Integer.toString(dataPlanePort), "--admin-port", Integer.toString(adminPort),
        "--dns-port", Integer.toString(dnsPort)));
    if (!extraArgs.contains("--network")) {
      // as root, gantry up would detect host mode; tests choose it explicitly
      command.addAll(List.of("--network", "loopback"));
    }
    command.addAll(extraArgs);
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    awaitReady(logOffset);
  }

  private void awaitReady(long logOffset) {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    HttpClient probe = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("gantry exited with " + process.exitValue() + " during start-up\n" + logTail());
      }
      if (probe == null && Files.exists(caFile()) && logSince(logOffset).contains(READY_LINE)) {
        probe = HttpClient.newBuilder().sslContext(ApiClient.trusting(caFile()))
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
      }
      if (probe != null && readyz(probe)) {
        return;
      }
      sleep(Duration.ofMillis(100));
    }
    process.destroyForcibly();
    throw new IllegalStateException("gantry not ready within " + STARTUP_TIMEOUT + "\n" + logTail());
  }

  private boolean readyz(HttpClient probe) {
    try {
      HttpRequest request = HttpRequest.newBuilder(url().resolve("/readyz")).timeout(Duration.ofSeconds(2)).build();
      return probe.send(request, BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** {@code https://127.0.0.1:PORT}, or the {@code --api-address} given. */
  public URI url() {
    int flag = extraArgs.indexOf("--api-address");
    String host = flag >= 0 && flag + 1 < extraArgs.size() ? extraArgs.get(flag + 1) : "127.0.0.1";
    return URI.create("https://" + host + ":" + port);
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path kubeconfig() {
    return dataDir.resolve("kubeconfig");
  }

  public Path caFile() {
    return dataDir.resolve("pki").resolve("ca.crt");
  }

  public Path log() {
    return dataDir.resolve("gantry.log");
  }

  /** The admin bearer token ({@code <dataDir>/admin.token}). */
  public String token() {
    try {
      return Files.readString(dataDir.resolve("admin.token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The process id of the running server. */
  public long pid() {
    return process.pid();
  }

  /** A kubectl (the one on PATH) bound to this server's kubeconfig. */
  public Kubectl kubectl() {
    return Kubectl.of(Kubectl.DEFAULT_BINARY, kubeconfig());
  }

  /** {@code binary} bound to this server's kubeconfig. */
  public Kubectl kubectl(Path binary) {
    return Kubectl.of(binary, kubeconfig());
  }

  /** Raw API access as the admin. */
  public ApiClient api() {
    return ApiClient.of(url(), caFile(), token());
  }

  /** Stops the process gracefully (if it still runs) and starts it again on the same data dir and port. */
  public void restart() {
    stop();
    try {
      launch();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: no shutdown hooks, no flushing. */
  public void kill() {
    process.destroyForcibly();
    waitFor(STOP_TIMEOUT);
  }

  private void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!waitFor(STOP_TIMEOUT)) {
      process.destroyForcibly();
      waitFor(STOP_TIMEOUT);
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The last 60 lines of the log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.exists(log()) ? Files.readAllLines(log(), StandardCharsets.UTF_8) : List.of();
      return "--- " + log() + " (last lines) ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  private String logSince(long offset) {
    try {
      byte[] bytes = Files.readAllBytes(log());
      return new String(bytes, (int) Math.min(offset, bytes.length),
          (int) Math.max(0, bytes.length - offset), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    stop();
    if (!Boolean.getBoolean("gantry.keep")) {
      deleteRecursively(dataDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // a temp dir left behind is not worth failing a test for
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
