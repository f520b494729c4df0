package io.gantry.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One {@code gantry control} process started for a benchmark, with its own temporary data
 * directory, listening on an ephemeral port of 127.0.0.1.
 *
 * <p>Lifecycle: {@link #start} launches the process through {@code bash} only to raise its
 * soft open-files limit ({@code exec} keeps the pid, so {@link #pid} is the JVM's), waits for
 * the "listening" log line, and returns. {@link #close} stops exactly that process (SIGTERM,
 * then SIGKILL after a grace period) and deletes the temporary directory; it is idempotent
 * and safe to call from a shutdown hook.
 */
final class GantryServer implements AutoCloseable {

  private static final Pattern LISTENING =
      Pattern.compile("control API listening on (https://127\\.0\\.0\\.1:\\d+)");
  /** Logged before the API line, so both are in the log once {@link #LISTENING} is. */
  private static final Pattern DATA_PLANE = Pattern.compile("data-plane gRPC listening on [^ ]*/127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern ADMIN = Pattern.compile("admin endpoints .* on (http://127\\.0\\.0\\.1:\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  /** Sets the soft descriptor limit to min(hard, 65536), then becomes the JVM. */
  private static final String LAUNCHER = """
      h=$(ulimit -Hn); if [ "$h" = unlimited ] || [ "$h" -gt 65536 ]; then h=65536; fi
      ulimit -Sn "$h" || exit 97
      exec "$@"
      """;

  private final Process process;
  private final Path workDir;
  private final Path dataDir;
  private final URI baseUri;
  private final Path log;
  private final long clockTicksPerSecond;
  private boolean closed;

  private GantryServer(Process process, Path workDir, Path dataDir, URI baseUri, Path log, long ticks) {
    this.process = process;
    this.workDir = workDir;
    this.dataDir = dataDir;
    this.baseUri = baseUri;
    this.log = log;
    this.clockTicksPerSecond = ticks;
  }

  /** Starts {@code java -jar jar control} and waits until its API listens. */
  static GantryServer start(Path jar) throws IOException, InterruptedException {
    return start(jar, List.of());
  }

  /** As {@link #start(Path)}, with extra JVM options for the server (e.g. {@code -Xmx2g}). */
  static GantryServer start(Path jar, List<String> jvmOptions) throws IOException, InterruptedException {
    requireNonNull(jar, "jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("--jar: " + jar.toAbsolutePath()
          + " (expected: a built gantry jar; run ./mvnw -pl cli -am package, or pass --jar / GANTRY_JAR)");
    }
    Path workDir = Files.createTempDirectory("gantry-bench-");
    Path dataDir = workDir.resolve("data");
    Path log = workDir.resolve("server.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of("bash", "-c", LAUNCHER, "gantry-bench-launcher",
        java, "-Xlog:gc,safepoint:file=" + workDir.resolve("gc.log") + ":uptime")); // pauses, for diagnosis
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "control",
        "--data-dir", dataDir.toString(), "--api-address", "127.0.0.1", "--api-port", "0",
        "--data-plane-port", "0", "--admin-port", "0"));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
        .start();
    GantryServer server = null;
    try {
      URI base = awaitListening(process, log);
      server = new GantryServer(process, workDir, dataDir, base, log, clockTicksPerSecond());
      return server;
    } finally {
      if (server == null) {
        stop(process);
        deleteTree(workDir);
      }
    }
  }

  private static URI awaitListening(Process process, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      Matcher m = LISTENING.matcher(text);
      if (m.find()) {
        return URI.create(m.group(1));
      }
      if (!process.isAlive()) {
        throw new IOException("gantry control exited with status " + process.exitValue()
            + " before listening; its log:\n" + tail(text));
      }
      Thread.sleep(50);
    }
    throw new IOException("gantry control did not listen within " + START_TIMEOUT
        + "; its log:\n" + tail(Files.readString(log, StandardCharsets.UTF_8)));
  }

  URI baseUri() {
    return baseUri;
  }

  /** Where the DataPlane gRPC stream listens (127.0.0.1, an ephemeral port). */
  java.net.InetSocketAddress dataPlaneAddress() throws IOException {
    Matcher m = DATA_PLANE.matcher(Files.readString(log, StandardCharsets.UTF_8));
    if (!m.find()) {
      throw new IOException("no \"data-plane gRPC listening on\" line in the server log");
    }
    return new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
  }

  /** The admin port's base ({@code /status}, {@code /metrics}), plain HTTP on 127.0.0.1. */
  URI adminUri() throws IOException {
    Matcher m = ADMIN.matcher(Files.readString(log, StandardCharsets.UTF_8));
    if (!m.find()) {
      throw new IOException("no \"admin endpoints ... on\" line in the server log");
    }
    return URI.create(m.group(1));
  }

  Path caCertificate() {
    return dataDir.resolve("pki").resolve("ca.crt");
  }

  String adminToken() throws IOException {
    return Files.readString(dataDir.resolve("admin.token"), StandardCharsets.US_ASCII).strip();
  }

  long pid() {
    return process.pid();
  }

  /** The name the kernel has for the process; "java" once bash has exec'd. */
  String command() throws IOException {
    return Files.readString(proc("comm"), StandardCharsets.US_ASCII).strip();
  }

  /** User plus system CPU time consumed so far, in nanoseconds (clock-tick resolution). */
  long cpuNanos() throws IOException {
    String stat = Files.readString(proc("stat"), StandardCharsets.US_ASCII);
    // The command name (field 2) may contain spaces; fields after it are space separated.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    return ticks * 1_000_000_000L / clockTicksPerSecond;
  }

  /**
   * CPU nanoseconds per live thread, keyed by {@code "<tid> <thread name>"}: for finding which
   * server thread a scenario keeps busy. Threads that exit between listing and reading are skipped.
   */
  Map<String, Long> threadCpuNanos() {
    Map<String, Long> cpu = new HashMap<>();
    try (Stream<Path> tasks = Files.list(proc("task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          cpu.put(task.getFileName() + " " + name, ticks * 1_000_000_000L / clockTicksPerSecond);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // no per-thread view; the caller logs nothing
    }
    return cpu;
  }

  /**
   * Durations in milliseconds of the server's stop-the-world pauses so far (GC pauses and
   * safepoints, which include them), oldest first, from its log.
   */
  List<Double> gcPausesMillis() {
    try {
      return GcLog.pausesMillis(Files.readAllLines(workDir.resolve("gc.log"), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Resident set size in MiB, from VmRSS. */
  double rssMiB() throws IOException {
    for (String line : Files.readAllLines(proc("status"), StandardCharsets.US_ASCII)) {
      if (line.startsWith("VmRSS:")) {
        String kb = line.substring("VmRSS:".length()).strip().split("\\s+")[0];
        return Long.parseLong(kb) / 1024.0;
      }
    }
    throw new IOException("no VmRSS in " + proc("status"));
  }

  /**
   * The server's used Java heap in MiB, from {@code jcmd <pid> GC.heap_info} of this JVM's JDK,
   * or NaN when that is unavailable.
   */
  double heapUsedMiB() {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.heap_info")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Double.NaN;
      }
      Matcher m = Pattern.compile("heap\\s+total[^\\n]*used (\\d+)K").matcher(out);
      return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
    } catch (IOException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  /** Open file descriptors (sockets included), or -1 if unreadable. */
  long openDescriptors() {
    try (Stream<Path> fds = Files.list(proc("fd"))) {
      return fds.count();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  /** The server's soft open-files limit, as /proc reports it. */
  String openFilesLimit() throws IOException {
    for (String line : Files.readAllLines(proc("limits"), StandardCharsets.US_ASCII)) {
      if (line.startsWith("Max open files")) {
        return line.substring("Max open files".length()).strip().split("\\s+")[0];
      }
    }
    return "?";
  }

  /** The last lines of the server's log, for failure reports. */
  String logTail() {
    try {
      return tail(Files.readString(workDir.resolve("server.log"), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  private Path proc(String file) {
    return Path.of("/proc", Long.toString(process.pid()), file);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop(process);
    String keep = System.getenv("GANTRY_BENCH_KEEP_LOG");
    if (keep != null && !keep.isEmpty()) {
      try {
        Files.copy(log, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Report.log("server log kept in %s", keep);
      } catch (IOException e) {
        Report.log("could not keep the server log in %s: %s", keep, e);
      }
    }
    deleteTree(workDir);
  }

  private static void stop(Process process) {
    try {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        Report.log("gantry pid %d ignored SIGTERM for 20 s; killing it", process.pid());
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      Report.log("could not delete %s: %s", root, e);
    }
  }

  private static long clockTicksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return Long.parseLong(out);
      }
    } catch (IOException | NumberFormatException e) {
      // fall through to the Linux default
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }

  private static java.io.File nullDevice() {
    return new java.io.File("/dev/null");
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    int from = Math.max(0, lines.length - 30);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }
}
