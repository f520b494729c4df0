package io.gantry.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code bin/bench cni [ITERATIONS]}: ADD+DEL latency of {@code gantry-cni} against Debian's reference
 * plugins (package {@code containernetworking-plugins}, {@code /usr/lib/cni}), interleaved in one run
 * with the same configuration shape. Twice: the launcher on its own (a JVM per call, target
 * {@code gantry}) and a copy of it with the plugin's server running beside it ({@code gantry-cni
 * --serve}, target {@code gantry-served}), each against the reference again.
 *
 * <p>As root: bridge mode, {@code gantry-cni} (bridge + built-in IPAM) vs reference {@code bridge} +
 * {@code host-local}, each iteration on a fresh network namespace (created and deleted outside the
 * timing), two test bridges (names with a per-run suffix) and addresses in 10.99.x
 * ({@code GANTRY_CNI_BENCH_NET} replaces 10.99) only inside those namespaces. Without root: the
 * IPAM-only path, {@code gantry-cni} as IPAM plugin vs {@code host-local}. Also the bare start-up time
 * (VERSION). Figures: mean, p50, p99 in ms per target and the ratio of means gantry/reference.
 */
public final class CniBench {
  private static final Path REFERENCE = Path.of(System.getenv().getOrDefault("GANTRY_CNI_REFERENCE", "/usr/lib/cni"));
  /** The first two octets of the two bench subnets (X.10.0/24, X.11.0/24), for sharing a machine. */
  private static final String NET = System.getenv().getOrDefault("GANTRY_CNI_BENCH_NET", "10.99");
  /** Bridges and namespaces carry this, so that concurrent runs on one machine do not collide. */
  private static final String SUFFIX = Long.toString(ProcessHandle.current().pid() % 100000, 36);

  private CniBench() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    Path gantry = gantryLauncher();
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!Files.isExecutable(REFERENCE.resolve("host-local"))) {
      Report.log("reference plugins missing in %s: apt-get install containernetworking-plugins", REFERENCE);
      System.exit(2);
    }
    Path work = Files.createTempDirectory("gantry-cni-bench");
    Process server = null;
    try {
      if (root) {
        Report.log("root: bridge mode, %d iterations, a fresh netns each", iterations);
      } else {
        Report.log("not root: IPAM-only path (gantry-cni IPAM mode vs host-local), %d iterations", iterations);
      }
      Report.log("gantry-cni on its own: a JVM per call");
      startup("gantry", gantry, iterations);
      addDel("gantry", gantry, work.resolve("alone"), iterations, root);
      Path served = Files.createDirectories(work.resolve("served/bin"));
      server = serve(gantry, served);
      Report.log("gantry-cni with its server (gantry-cni --serve) beside it");
      startup("gantry-served", served.resolve("gantry-cni"), iterations);
      addDel("gantry-served", served.resolve("gantry-cni"), work.resolve("served"), iterations, root);
    } finally {
      if (server != null) {
        server.destroy();
        server.waitFor(30, TimeUnit.SECONDS);
      }
      if (root) {
        run(null, null, "ip", "link", "del", "gbench-g" + SUFFIX);
        run(null, null, "ip", "link", "del", "gbench-r" + SUFFIX);
      }
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static Path gantryLauncher() {
    String override = System.getenv("GANTRY_CNI");
    if (override != null) {
      return Path.of(override);
    }
    Path jar = Path.of(System.getenv().getOrDefault("GANTRY_JAR", "cli/target/gantry.jar")).toAbsolutePath();
    return jar.getParent().getParent().getParent().resolve("cni-plugin/target/bin/gantry-cni");
  }

  /** Installs a copy of the launcher's directory in {@code dir} and starts its server there. */
  private static Process serve(Path gantry, Path dir) throws Exception {
    try (Stream<Path> files = Files.list(gantry.getParent())) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("gantry-cni")).toList()) {
        if (!file.getFileName().toString().endsWith(".server")) {
          Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    Process server = new ProcessBuilder(dir.resolve("gantry-cni").toString(), "--serve")
        .redirectErrorStream(true).redirectOutput(dir.resolveSibling("server.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(dir.resolve("gantry-cni.server"))) {
      if (!server.isAlive() || System.nanoTime() > deadline) {
        server.destroy();
        throw new IllegalStateException("gantry-cni --serve did not start: "
            + Files.readString(dir.resolveSibling("server.log")));
      }
      Thread.sleep(20);
    }
    return server;
  }

  private static void startup(String target, Path gantry, int iterations) throws Exception {
    long[] ours = new long[iterations];
    long[] theirs = new long[iterations];
    Map<String, String> env = Map.of("CNI_COMMAND", "VERSION");
    for (int i = -3; i < iterations; i++) { // the first three warm up the page cache (and a server's sockets)
      long our = timed(env, "{\"cniVersion\":\"1.1.0\"}", gantry.toString());
      long their = timed(env, "{\"cniVersion\":\"1.1.0\"}", REFERENCE.resolve("host-local").toString());
      if (i >= 0) {
        ours[i] = our;
        theirs[i] = their;
      }
    }
    report(target, "version", ours, theirs, "reference host-local");
  }

  private static void addDel(String series, Path gantry, Path work, int iterations, boolean bridge) throws Exception {
    String ipamOnly = "{\"cniVersion\":\"1.0.0\",\"name\":\"%s\",\"type\":\"bridge\",\"ipam\":{\"type\":\"%s\","
        + "\"dataDir\":\"%s\",\"ranges\":[[{\"subnet\":\"%s\"}]]}}";
    String bridged = "{\"cniVersion\":\"1.0.0\",\"name\":\"%s\",\"type\":\"%s\",\"bridge\":\"%s\",\"isGateway\":true,"
        + "\"isDefaultGateway\":true,\"ipam\":{\"type\":\"%s\",\"dataDir\":\"%s\",\"ranges\":[[{\"subnet\":\"%s\"}]]}}";
    String ours = bridge
        ? String.format(bridged, "benchg", "gantry-cni", "gbench-g" + SUFFIX, "gantry-cni", work.resolve("g"),
            NET + ".10.0/24")
        : String.format(ipamOnly, "benchg", "gantry-cni", work.resolve("g"), NET + ".10.0/24");
    String theirs = bridge
        ? String.format(bridged, "benchr", "bridge", "gbench-r" + SUFFIX, "host-local", work.resolve("r"),
            NET + ".11.0/24")
        : String.format(ipamOnly, "benchr", "host-local", work.resolve("r"), NET + ".11.0/24");
    String ourCommand = gantry.toString();
    String theirCommand = REFERENCE.resolve(bridge ? "bridge" : "host-local").toString();
    long[][] add = new long[2][iterations];
    long[][] del = new long[2][iterations];
    long[][] both = new long[2][iterations];
    Path fakeNetns = Files.createFile(Files.createDirectories(work).resolve("netns"));
    for (int i = 0; i < iterations + 3; i++) {
      for (int target = 0; target < 2; target++) {
        String ns = "gcnibench-" + SUFFIX + "-" + target + "-" + i;
        String netnsPath = fakeNetns.toString();
        if (bridge) {
          run(null, null, "ip", "netns", "add", ns);
          netnsPath = "/var/run/netns/" + ns;
        }
        Map<String, String> env = new HashMap<>();
        env.put("CNI_CONTAINERID", "bench-" + i);
        env.put("CNI_NETNS", netnsPath);
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", REFERENCE.toString());
        env.put("CNI_COMMAND", "ADD");
        String conf = target == 0 ? ours : theirs;
        String command = target == 0 ? ourCommand : theirCommand;
        try {
          long a = timed(env, conf, command);
          env.put("CNI_COMMAND", "DEL");
          long d = timed(env, conf, command);
          if (i >= 3) { // the first rounds warm the page cache and create the bridges
            add[target][i - 3] = a;
            del[target][i - 3] = d;
            both[target][i - 3] = a + d;
          }
        } finally {
          if (bridge) {
            run(null, null, "ip", "netns", "del", ns);
          }
        }
      }
    }
    String scenario = bridge ? "bridge" : "ipam";
    String peer = bridge ? "reference bridge+host-local" : "reference host-local";
    report(series, scenario + "-add", add[0], add[1], peer);
    report(series, scenario + "-del", del[0], del[1], peer);
    report(series, scenario + "-add-del", both[0], both[1], peer);
  }

  /** {@code ours} is {@code target} (gantry or gantry-served); the reference's rounds ran beside it. */
  private static void report(String target, String scenario, long[] ours, long[] theirs, String peer) {
    LatencyStats g = LatencyStats.of(ours, ours.length);
    LatencyStats r = LatencyStats.of(theirs, theirs.length);
    double gMean = mean(ours);
    double rMean = mean(theirs);
    String reference = target.equals("gantry") ? "reference" : "reference-beside-served";
    for (Object[] series : new Object[][] {{target, g, gMean}, {reference, r, rMean}}) {
      Report report = new Report("cni." + series[0]);
      LatencyStats stats = (LatencyStats) series[1];
      report.figure(scenario, "mean", (Double) series[2], "ms");
      report.figure(scenario, "p50", stats.percentileMillis(50), "ms");
      report.figure(scenario, "p99", stats.percentileMillis(99), "ms");
    }
    new Report("cni.ratio").figure(target.equals("gantry") ? scenario : "served-" + scenario,
        "mean_gantry_over_reference", gMean / rMean, "x");
    Report.log("%s: %s mean %.1f ms vs %s %.1f ms (%.2fx)", scenario, target, gMean, peer, rMean, gMean / rMean);
  }

  private static double mean(long[] nanos) {
    double sum = 0;
    for (long n : nanos) {
      sum += n;
    }
    return sum / nanos.length / 1e6;
  }

  private static long timed(Map<String, String> env, String stdin, String command) throws Exception {
    long start = System.nanoTime();
    String out = run(env, stdin, command);
    long elapsed = System.nanoTime() - start;
    if (out == null) {
      throw new IllegalStateException(command + " " + env.get("CNI_COMMAND") + " failed");
    }
    return elapsed;
  }

  /** Runs a command with exactly {@code env} (when given); its stdout, or null when it failed. */
  private static String run(Map<String, String> env, String stdin, String... argv) throws IOException,
      InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD);
    if (env != null) {
      builder.environment().clear();
      builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
      builder.environment().putAll(env);
    }
    Process process = builder.start();
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return null;
    }
    if (process.exitValue() != 0) {
      Report.log("%s exited %d: %s", String.join(" ", argv), process.exitValue(), out.strip());
      return null;
    }
    return out;
  }
}
