package io.gantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.cli.DaemonJvmOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code bin/bench proxy-scale}: one {@code gantry proxy} process loaded with 10 000 Services and
 * 100 000 endpoints, then single endpoint changes, in two modes:
 * <ul>
 *   <li>{@code static.*}: {@code --manifests DIR}, one Service and one EndpointSlice per file; a
 *       change rewrites one file (the proxy polls the folder every second);</li>
 *   <li>{@code control.*}: a real {@code gantry control} process loaded through its API and the
 *       proxy on its DataPlane stream; a change PUTs one EndpointSlice.</li>
 * </ul>
 * Per mode:
 * <ul>
 *   <li>{@code load}: time until every ClusterIP listens, listeners, open descriptors;</li>
 *   <li>{@code memory_*}: VmRSS and VmHWM from {@code /proc/PID/status}, the live Java heap, and
 *       the part held by socket and channel objects (Netty, NIO, {@code java.net}) from a class
 *       histogram: what the listeners themselves cost;</li>
 *   <li>{@code apply_one_endpoint_change}: the proxy's own measure ({@code /status}
 *       {@code lastApply}) from the change's arrival (static: the poller seeing the file changed;
 *       control: the DataPlane client handing over the folded push) to the new table published,
 *       the table-building share of it, and the services rebuilt;</li>
 *   <li>{@code write_to_published}: from the file write or API PUT to publication (static: includes
 *       the 1 s poll; control: the API, the EndpointSlice-to-view translation, the push batching).</li>
 * </ul>
 * First, {@code table_*}: the routing table builder alone in the bench's JVM with the same load
 * ({@link RoutingTableLoad}): one change applied after a JIT warm-up, and a full rebuild.
 * Every figure is a line {@code name=proxy-scale.gantry.<scenario> metric=... value=... unit=...}.
 * The endpoint addresses are never connected to; ClusterIPs are 127.96.0.0/16 addresses.
 *
 * <p>Options: {@code --jar PATH}, {@code --services N} (10000), {@code --endpoints-per-service N}
 * (10), {@code --changes N} (50), {@code --port P} (static mode's service port, 15080),
 * {@code --mode static|control|both} (both), {@code --java-opts "..."} (added after the JVM options
 * {@code bin/gantry proxy} starts with, as {@code GANTRY_JAVA_OPTS} is: {@link DaemonJvmOptions}),
 * {@code --jvm-defaults} (without those options: the JVM's own defaults, then {@code --java-opts}).
 * {@code GANTRY_BENCH_KEEP_LOG=FILE} keeps the proxy's log in FILE.proxy.
 */
public final class ProxyScaleBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RSS = Pattern.compile("(VmRSS|VmHWM):\\s+(\\d+) kB");
  private static final Pattern HISTO = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

  private final Report report = new Report("proxy-scale.gantry");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Path work;
  private final int servicePort;
  private final int endpointsPerService;
  private Process proxy;
  private URI status;

  private ProxyScaleBench(Path work, int servicePort, int endpointsPerService) {
    this.work = work;
    this.servicePort = servicePort;
    this.endpointsPerService = endpointsPerService;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts;
    try {
      opts = BenchArgs.parse(args, Set.of("--jvm-defaults"));
    } catch (BenchArgs.UsageException e) {
      System.err.println("usage: bin/bench proxy-scale [--jar PATH] [--services N] [--endpoints-per-service N] "
          + "[--changes N] [--port P] [--mode static|control|both] [--java-opts \"...\"] [--jvm-defaults]");
      System.exit(2);
      return;
    }
    Path jar = Path.of(opts.getOrDefault("--jar", System.getenv().getOrDefault("GANTRY_JAR", "cli/target/gantry.jar")));
    int services = Integer.parseInt(opts.getOrDefault("--services", "10000"));
    int perService = Integer.parseInt(opts.getOrDefault("--endpoints-per-service", "10"));
    int changes = Integer.parseInt(opts.getOrDefault("--changes", "50"));
    int port = Integer.parseInt(opts.getOrDefault("--port", "15080"));
    String userOpts = opts.getOrDefault("--java-opts", "");
    List<String> javaOpts = opts.containsKey("--jvm-defaults") ? DaemonJvmOptions.split(userOpts)
        : DaemonJvmOptions.proxy(userOpts);
    String mode = opts.getOrDefault("--mode", "both");
    if (!List.of("static", "control", "both").contains(mode)) {
      Report.log("--mode: %s (expected: static, control or both)", mode);
      System.exit(2);
    }
    if (services < 1 || services > 60_000 || perService < 1 || perService > 100 || changes < 1 || changes > 1000) {
      Report.log("--services 1..60000, --endpoints-per-service 1..100, --changes 1..1000");
      System.exit(2);
    }
    if (!Files.isRegularFile(jar)) {
      Report.log("missing gantry jar %s (build cli first, or --jar)", jar);
      System.exit(1);
    }
    Path work = Files.createTempDirectory("gantry-proxy-scale-");
    ProxyScaleBench bench = new ProxyScaleBench(work, port, perService);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stop));
    try {
      bench.run(jar, services, changes, javaOpts, mode);
    } finally {
      bench.stop();
      deleteTree(work);
    }
  }

  private void run(Path jar, int services, int changes, List<String> javaOpts, String mode) throws Exception {
    Report.log("the routing table alone, in this JVM");
    new RoutingTableLoad(services, endpointsPerService).run(1000);
    if (mode.equals("static") || mode.equals("both")) {
      runStatic(jar, services, changes, javaOpts);
    }
    if (mode.equals("control") || mode.equals("both")) {
      runControl(jar, services, changes, javaOpts);
    }
  }

  /** A change the benchmark makes; returns {@link System#nanoTime} when it was written. */
  private interface Change {
    long make(int index, int service) throws Exception;
  }

  private void runStatic(Path jar, int services, int changes, List<String> javaOpts) throws Exception {
    Path manifests = Files.createDirectories(work.resolve("manifests"));
    Report.log("static: writing %d services with %d endpoints each to %s", services, endpointsPerService, manifests);
    for (int i = 0; i < services; i++) {
      Files.writeString(file(manifests, i), manifest(i, 0));
    }
    startProxy(jar, javaOpts, List.of("--manifests", manifests.toString()));
    measure("static", services, services, changes, (c, i) -> {
      Path tmp = manifests.resolve(".change.tmp");
      Files.writeString(tmp, manifest(i, c + 1));
      long written = System.nanoTime();
      Files.move(tmp, file(manifests, i), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return written;
    });
    stop();
  }

  /**
   * Control-driven: a real {@code gantry control} process loaded through its API (selector-less
   * Services with one EndpointSlice each), the proxy following its DataPlane stream, and each
   * change a PUT of one EndpointSlice (its first endpoint flips readiness).
   */
  private void runControl(Path jar, int services, int changes, List<String> javaOpts) throws Exception {
    ServiceCluster cluster = new ServiceCluster(services, endpointsPerService, 10, 3);
    try (GantryServer server = GantryServer.start(jar)) {
      ApiClient api = new ApiClient(server.baseUri(), ApiClient.trusting(server.caCertificate()),
          server.adminToken());
      api.awaitReady(Duration.ofSeconds(60));
      Report.log("control: loading %d services with %d endpoints each through the API", services, endpointsPerService);
      long t0 = System.nanoTime();
      cluster.load(api, 16);
      Report.log("control: loaded in %.1f s", (System.nanoTime() - t0) / 1e9);
      java.net.InetSocketAddress dataPlane = server.dataPlaneAddress();
      startProxy(jar, javaOpts, List.of("--control", "127.0.0.1:" + dataPlane.getPort()));
      int[] generation = new int[services];
      // The control plane's own "kubernetes" Service is served too.
      measure("control", services, services + 1, changes, (c, i) -> {
        generation[i]++;
        long written = System.nanoTime();
        HttpResponse<String> r = api.send("PUT", cluster.slicePath(i), cluster.sliceJson(i, generation[i]));
        if (r.statusCode() != 200) {
          throw new IOException("PUT " + cluster.slicePath(i) + ": " + ApiClient.describe(r));
        }
        return written;
      });
      stop();
    }
  }

  private void startProxy(Path jar, List<String> javaOpts, List<String> source) throws IOException {
    int adminPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      adminPort = s.getLocalPort();
    }
    status = URI.create("http://127.0.0.1:" + adminPort + "/status");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(javaOpts);
    cmd.addAll(List.of("-jar", jar.toString(), "proxy"));
    cmd.addAll(source);
    cmd.addAll(List.of("--node", "node-0", "--admin-port", String.valueOf(adminPort)));
    proxy = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("proxy.log").toFile())
        .start();
    Report.log("started gantry proxy pid %d (java options: %s)", proxy.pid(),
        javaOpts.isEmpty() ? "none" : String.join(" ", javaOpts));
  }

  private void measure(String mode, int services, int entries, int changes, Change change) throws Exception {
    long started = proxy.info().startInstant().map(i -> System.nanoTime()
        - Duration.between(i, java.time.Instant.now()).toNanos()).orElse(System.nanoTime());
    JsonNode loaded = awaitStatus(s -> s.path("listeners").asInt() >= entries, Duration.ofMinutes(10));
    // The table is published before its listeners open: wait for the sockets themselves.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (listeningSockets() < entries && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    double loadSeconds = (System.nanoTime() - started) / 1e9;
    report.figure(mode + ".load", "services", services, "count");
    report.figure(mode + ".load", "endpoints", (double) services * endpointsPerService, "count");
    report.figure(mode + ".load", "routing_entries", loaded.path("listeners").asInt(), "count");
    report.figure(mode + ".load", "listening_sockets", listeningSockets(), "count");
    report.figure(mode + ".load", "open_descriptors", descriptors(), "count");
    report.figure(mode + ".load", "time_to_serve_all", loadSeconds, "s");
    Thread.sleep(5000); // let start-up garbage settle as it would in a long-running daemon
    memory(mode + ".memory_loaded");

    Random random = new Random(42);
    long[] applied = new long[changes];
    long[] endToEnd = new long[changes];
    long[] built = new long[changes];
    long maxRebuilt = 0;
    for (int c = 0; c < changes; c++) {
      int i = random.nextInt(services);
      long before = status().path("lastApply").path("version").asLong();
      long written = change.make(c, i);
      JsonNode after = awaitStatus(s -> s.path("lastApply").path("version").asLong() > before, Duration.ofSeconds(10));
      endToEnd[c] = System.nanoTime() - written;
      applied[c] = after.path("lastApply").path("micros").asLong() * 1000;
      built[c] = after.path("lastApply").path("buildMicros").asLong() * 1000;
      maxRebuilt = Math.max(maxRebuilt, after.path("lastApply").path("servicesRebuilt").asLong());
      Thread.sleep(200); // one change at a time, as a quiet cluster sees them
    }
    LatencyStats apply = LatencyStats.of(applied, changes);
    LatencyStats build = LatencyStats.of(built, changes);
    LatencyStats e2e = LatencyStats.of(endToEnd, changes);
    String scenario = mode + ".apply_one_endpoint_change";
    report.figure(scenario, "p50", apply.percentileMillis(50), "ms");
    report.figure(scenario, "p99", apply.percentileMillis(99), "ms");
    report.figure(scenario, "max", apply.maxMillis(), "ms");
    report.figure(scenario, "table_build_p50", build.percentileMillis(50), "ms");
    report.figure(scenario, "table_build_p99", build.percentileMillis(99), "ms");
    report.figure(scenario, "services_rebuilt_max", maxRebuilt, "count");
    report.figure(scenario, "changes", changes, "count");
    report.figure(mode + ".write_to_published", "p50", e2e.percentileMillis(50), "ms");
    report.figure(mode + ".write_to_published", "p99", e2e.percentileMillis(99), "ms");
    memory(mode + ".memory_after_changes");
  }

  private void memory(String scenario) throws IOException, InterruptedException {
    Map<String, Long> kb = new HashMap<>();
    Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(proxy.pid()), "status")));
    while (m.find()) {
      kb.put(m.group(1), Long.parseLong(m.group(2)));
    }
    report.figure(scenario, "rss", kb.getOrDefault("VmRSS", -1L) / 1024.0, "MiB");
    report.figure(scenario, "rss_peak", kb.getOrDefault("VmHWM", -1L) / 1024.0, "MiB");
    // GC.class_histogram runs a full GC first: the figures are live objects.
    String histogram = jcmd("GC.class_histogram");
    long heap = 0;
    long sockets = 0;
    Matcher h = HISTO.matcher(histogram);
    int top = 0;
    while (h.find()) {
      if (top++ < 15) { // the histogram is sorted by bytes: what dominates the live heap
        Report.log("%s: %8.1f MiB %9s instances  %s", scenario, Long.parseLong(h.group(2)) / 1048576.0,
            h.group(1), h.group(3));
      }
      long bytes = Long.parseLong(h.group(2));
      String name = h.group(3);
      heap += bytes;
      if (name.startsWith("io.netty.") || name.startsWith("sun.nio.ch.") || name.startsWith("java.net.")
          || name.startsWith("io.gantry.proxy.tcp.") || name.startsWith("io.gantry.proxy.udp.")) {
        sockets += bytes;
      }
    }
    report.figure(scenario, "heap_live", heap / 1048576.0, "MiB");
    report.figure(scenario, "heap_live_sockets_and_channels", sockets / 1048576.0, "MiB");
    m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(proxy.pid()), "status")));
    while (m.find()) {
      if (m.group(1).equals("VmRSS")) {
        report.figure(scenario, "rss_after_full_gc", Long.parseLong(m.group(2)) / 1024.0, "MiB");
      }
    }
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(proxy.pid()), command).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return out;
  }

  /** TCP sockets in LISTEN state owned by the proxy (its descriptors matched against /proc/net/tcp). */
  private int listeningSockets() throws IOException {
    java.util.Set<String> inodes = new java.util.HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(proxy.pid()), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    int count = 0;
    for (String table : List.of("tcp", "tcp6")) { // epoll sockets are often IPv6 ones bound to IPv4 addresses
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(proxy.pid()), "net", table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          count++;
        }
      }
    }
    return count;
  }

  private long descriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(proxy.pid()), "fd"))) {
      return fds.count();
    }
  }

  private JsonNode awaitStatus(java.util.function.Predicate<JsonNode> done, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!proxy.isAlive()) {
        throw new IllegalStateException("gantry proxy exited with " + proxy.exitValue() + "; see "
            + work.resolve("proxy.log"));
      }
      try {
        JsonNode s = status();
        if (done.test(s)) {
          return s;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("proxy status did not reach the expected state within " + timeout
        + "; see " + work.resolve("proxy.log"));
  }

  private JsonNode status() throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static Path file(Path dir, int i) {
    return dir.resolve(String.format("svc-%05d.yaml", i));
  }

  /** Service {@code i} and its slice; generation {@code g > 0} moves its first endpoint to a new address. */
  private String manifest(int i, int g) {
    StringBuilder out = new StringBuilder(256 + endpointsPerService * 96);
    out.append("""
        apiVersion: v1
        kind: Service
        metadata: {name: s%1$d, namespace: bench}
        spec:
          type: ClusterIP
          clusterIP: 127.96.%2$d.%3$d
          ports: [{name: http, port: %4$d, targetPort: 8080, protocol: TCP}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: s%1$d-a
          namespace: bench
          labels: {kubernetes.io/service-name: s%1$d}
        addressType: IPv4
        ports: [{name: http, port: 8080, protocol: TCP}]
        endpoints:
        """.formatted(i, i / 250, i % 250 + 1, servicePort));
    for (int e = 0; e < endpointsPerService; e++) {
      long g2 = (long) i * endpointsPerService + e;
      String address = e == 0 && g > 0 ? "127.200." + (g / 256 % 256) + "." + (g % 256)
          : "127." + (128 + g2 / 65536) + "." + (g2 / 256 % 256) + "." + (g2 % 256);
      out.append("- addresses: [").append(address).append("]\n  conditions: {ready: true}\n  nodeName: n")
          .append(e % 3).append('\n');
    }
    return out.toString();
  }

  private synchronized void stop() {
    if (proxy != null && proxy.isAlive()) {
      keepLog();
      proxy.destroy();
      try {
        if (!proxy.waitFor(20, TimeUnit.SECONDS)) {
          proxy.destroyForcibly();
        }
      } catch (InterruptedException e) {
        proxy.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Copies the proxy's log to {@code $GANTRY_BENCH_KEEP_LOG} when set (the work folder is deleted). */
  private void keepLog() {
    String keep = System.getenv("GANTRY_BENCH_KEEP_LOG");
    if (keep != null && !keep.isEmpty()) {
      try {
        Files.copy(work.resolve("proxy.log"), Path.of(keep + ".proxy"), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        Report.log("could not keep the proxy log in %s: %s", keep, e);
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException e) {
      Report.log("could not delete %s: %s", root, e);
    }
  }
}
