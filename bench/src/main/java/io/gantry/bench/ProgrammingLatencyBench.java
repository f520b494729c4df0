package io.gantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.control.client.FoldProbe;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bin/bench programming-latency}: network programming latency, from an API write to the
 * moment every subscribed daemon has ACKed a push that holds it, against a {@code gantry control}
 * process this benchmark starts on 127.0.0.1 and stops again.
 *
 * <p>Scenarios, in order:
 * <ul>
 *   <li>{@code daemon-apply}: in process, no server: the client's fold of one push carrying one
 *       changed EndpointView into a snapshot of {@code --services} services and endpoint views
 *       (and {@code daemon-apply-x10} at ten times that, to show whether the cost follows the
 *       change or the cluster);
 *   <li>{@code load}: {@code --services} selector-less Services and one EndpointSlice each
 *       through the REST API, then until the data-plane snapshot holds them all;
 *   <li>{@code connect}: {@code --daemons} simulated daemons subscribe (waves of
 *       {@code --connect-wave}); each receives the whole cluster;
 *   <li>{@code single-change}: {@code --singles} slice updates one at a time; per change, the
 *       time from sending the PUT until the last daemon received (and ACKed) a push whose system
 *       version is at least the write's resourceVersion;
 *   <li>{@code burst-<N>}: N updates of N different slices as fast as {@code --burst-clients}
 *       writers go; per change as above, and the whole burst until every daemon has the last.
 * </ul>
 * {@code daemon-latency-*} figures are over every (change, daemon) pair rather than the slowest
 * daemon. The daemons log arrival times themselves (a light daemon ACKs right after decoding,
 * so arrival is ACK time); at the end the control's {@code /status} must show every daemon
 * connected, at the last version, without NACKs. Each phase reports the control process's CPU
 * (utime+stime from /proc), RSS and used heap (jcmd GC.heap_info).
 *
 * <p>Exit status: 0 when clean, 1 when a daemon failed, missed a change or NACKed, 2 on a bad
 * command line or setup.
 */
public final class ProgrammingLatencyBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);

  private ProgrammingLatencyBench() {}

  public static void main(String[] args) throws Exception {
    ProgrammingLatencyOptions options;
    try {
      options = ProgrammingLatencyOptions.parse(args, System.getenv());
    } catch (BenchArgs.UsageException e) {
      if (e.getMessage() != null) {
        System.err.println("ProgrammingLatencyBench: " + e.getMessage());
      }
      System.err.println(ProgrammingLatencyOptions.USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
      return;
    }
    try {
      System.exit(run(options) ? 0 : 1);
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("ProgrammingLatencyBench: " + e.getMessage());
      System.exit(2);
    }
  }

  static boolean run(ProgrammingLatencyOptions options)
      throws IOException, InterruptedException, GeneralSecurityException {
    Report report = new Report("programming-latency.gantry");
    foldScenario(report, "daemon-apply", options.services(), options.endpointsPerService(), options.foldIterations());
    foldScenario(report, "daemon-apply-x10", options.services() * 10, options.endpointsPerService(),
        Math.max(1, options.foldIterations() / 4));
    if (options.applyOnly()) {
      return true;
    }
    ServiceCluster cluster = new ServiceCluster(options.services(), options.endpointsPerService(),
        options.namespaces(), options.daemons());
    Report.log("starting %s", options.jar().toAbsolutePath());
    List<String> jvm = options.serverHeap().isEmpty() ? List.of() : List.of("-Xmx" + options.serverHeap());
    GantryServer server = GantryServer.start(options.jar(), jvm);
    List<SimulatedDaemon> daemons = new ArrayList<>();
    try (server) {
      Thread hook = new Thread(server::close, "gantry-bench-stop-server");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        ApiClient api = new ApiClient(server.baseUri(), ApiClient.trusting(server.caCertificate()),
            server.adminToken());
        api.awaitReady(Duration.ofSeconds(30));
        Admin admin = new Admin(server.adminUri());
        Report.log("server pid %d at %s, data plane %s, admin %s", server.pid(), server.baseUri(),
            server.dataPlaneAddress(), server.adminUri());
        loadScenario(report, server, api, admin, cluster, options);
        connectScenario(report, server, daemons, options);
        int[] generations = new int[options.services()];
        boolean clean = singleScenario(report, server, api, cluster, daemons, generations, options);
        clean &= burstScenario(report, server, api, cluster, daemons, generations, options);
        clean &= verify(admin, daemons);
        return clean;
      } catch (IOException | RuntimeException e) {
        Report.log("failed: %s; server log tail:%n%s", e, server.logTail());
        throw e;
      } finally {
        Report.log("closing %d daemons", daemons.size());
        closeAll(daemons);
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    } finally {
      Report.log("server stopped, data removed");
    }
  }

  private static void foldScenario(Report report, String scenario, int services, int endpoints, int iterations) {
    Report.log("%s: folding one changed endpoint view into a snapshot of %d services + %d endpoint views "
        + "(%d endpoints each), %d iterations", scenario, services, services, endpoints, iterations);
    FoldProbe.Result r = FoldProbe.run(services, endpoints, iterations);
    LatencyStats stats = LatencyStats.of(r.nanos(), r.nanos().length);
    report.figure(scenario, "latency-p50", stats.percentileMillis(50), "ms");
    report.figure(scenario, "latency-p99", stats.percentileMillis(99), "ms");
    report.figure(scenario, "latency-max", stats.maxMillis(), "ms");
    report.figure(scenario, "alloc-per-fold", r.allocatedBytesPerFold() / 1024.0, "KiB");
  }

  private static void loadScenario(Report report, GantryServer server, ApiClient api, Admin admin,
      ServiceCluster cluster, ProgrammingLatencyOptions options) throws IOException, InterruptedException {
    int before = admin.status().path("resources").asInt();
    Report.log("load: %d services, %d endpoints, %d requests in flight (data-plane resources before: %d)",
        cluster.services(), cluster.endpoints(), options.loadClients(), before);
    long cpu = server.cpuNanos();
    long start = System.nanoTime();
    long requests = cluster.load(api, options.loadClients());
    long loaded = System.nanoTime();
    int expected = before + 2 * cluster.services();
    long deadline = loaded + Duration.ofMinutes(10).toNanos();
    int resources = admin.status().path("resources").asInt();
    while (resources < expected) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the data-plane snapshot holds " + resources + " resources 10 min after the load "
            + "(expected: " + expected + ")");
      }
      Thread.sleep(50);
      resources = admin.status().path("resources").asInt();
    }
    long synced = System.nanoTime();
    report.figure("load", "duration", (loaded - start) / 1e9, "s");
    report.figure("load", "throughput", requests / ((loaded - start) / 1e9), "objects/s");
    report.figure("load", "snapshot-lag", (synced - loaded) / 1e6, "ms");
    report.figure("load", "cpu", (server.cpuNanos() - cpu) / 1e9, "s");
    report.figure("load", "rss", server.rssMiB(), "MB");
    report.figure("load", "heap-used", server.heapUsedMiB(), "MB");
  }

  private static void connectScenario(Report report, GantryServer server, List<SimulatedDaemon> daemons,
      ProgrammingLatencyOptions options) throws IOException, InterruptedException {
    InetSocketAddress target = server.dataPlaneAddress();
    Report.log("connect: %d daemons (%d full DataPlaneClients), %d at a time", options.daemons(),
        options.fullClients(), options.connectWave());
    long cpu = server.cpuNanos();
    long start = System.nanoTime();
    for (int from = 0; from < options.daemons(); from += options.connectWave()) {
      int to = Math.min(options.daemons(), from + options.connectWave());
      for (int i = from; i < to; i++) {
        String node = "node-" + i;
        daemons.add(i < options.fullClients() ? SimulatedDaemon.full(target, node)
            : SimulatedDaemon.light(target, node));
      }
      for (int i = from; i < to; i++) {
        SimulatedDaemon daemon = daemons.get(i);
        if (!daemon.awaitFirstPush(Duration.ofMinutes(2)) || daemon.problem() != null) {
          throw new IOException("daemon " + daemon.node() + " got no initial push within 2 min: " + daemon.problem());
        }
      }
      if (to % 200 == 0 || to == options.daemons()) {
        Report.log("connect: %d/%d subscribed and synced (%.1f s)", to, options.daemons(),
            (System.nanoTime() - start) / 1e9);
      }
    }
    long elapsed = System.nanoTime() - start;
    report.figure("connect", "duration", elapsed / 1e9, "s");
    report.figure("connect", "cpu", (server.cpuNanos() - cpu) / 1e9, "s");
    report.figure("connect", "rss", server.rssMiB(), "MB");
    report.figure("connect", "heap-used", server.heapUsedMiB(), "MB");
    Runtime rt = Runtime.getRuntime();
    System.gc();
    Report.log("connect: bench heap used %.0f MiB after GC", (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
    if (options.fullClients() > 0) {
      Report.log("connect: a full client holds %d resources", daemons.get(0).client().snapshot().size());
    }
  }

  private static boolean singleScenario(Report report, GantryServer server, ApiClient api, ServiceCluster cluster,
      List<SimulatedDaemon> daemons, int[] generations, ProgrammingLatencyOptions options)
      throws IOException, InterruptedException {
    String scenario = "single-change";
    Report.log("%s: %d changes, %d ms apart, %d daemons", scenario, options.singles(),
        options.singleGap().toMillis(), daemons.size());
    LongBuffer slowest = new LongBuffer(Integer.MAX_VALUE);
    LongBuffer pairs = new LongBuffer(Integer.MAX_VALUE);
    int missing = 0;
    long cpu = server.cpuNanos();
    java.util.Map<String, Long> threads = server.threadCpuNanos();
    long benchCpu = benchCpuNanos();
    int stride = Math.max(1, cluster.services() / Math.max(1, options.singles()));
    for (int k = 0; k < options.singles(); k++) {
      int service = (k * stride + k / Math.max(1, cluster.services())) % cluster.services();
      long sent = System.nanoTime();
      long rv = update(api, cluster, service, ++generations[service]);
      missing += awaitEverywhere(daemons, rv, CHANGE_TIMEOUT);
      slowest.add(latencies(daemons, rv, sent, pairs));
      Thread.sleep(options.singleGap().toMillis());
    }
    long serverCpu = server.cpuNanos() - cpu;
    report(report, scenario, slowest, pairs, missing);
    report.figure(scenario, "cpu", serverCpu / 1e9, "s");
    report.figure(scenario, "cpu-per-change", serverCpu / 1e6 / options.singles(), "ms");
    report.figure(scenario, "rss", server.rssMiB(), "MB");
    report.figure(scenario, "heap-used", server.heapUsedMiB(), "MB");
    Report.log("%s: bench process CPU %.1f s; busiest server threads: %s", scenario,
        (benchCpuNanos() - benchCpu) / 1e9, busiest(threads, server.threadCpuNanos()));
    return missing == 0;
  }

  private static boolean burstScenario(Report report, GantryServer server, ApiClient api, ServiceCluster cluster,
      List<SimulatedDaemon> daemons, int[] generations, ProgrammingLatencyOptions options)
      throws IOException, InterruptedException {
    int n = options.burst();
    String scenario = "burst-" + n;
    Report.log("%s: %d changes of different slices, %d writers, %d daemons", scenario, n, options.burstClients(),
        daemons.size());
    long[] sent = new long[n];
    long[] versions = new long[n];
    AtomicInteger next = new AtomicInteger();
    int offset = cluster.services() / 2;
    long cpu = server.cpuNanos();
    java.util.Map<String, Long> threads = server.threadCpuNanos();
    long benchCpu = benchCpuNanos();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(options.burstClients());
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int c = 0; c < options.burstClients(); c++) {
        writers.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            int service = (offset + i) % cluster.services();
            sent[i] = System.nanoTime();
            versions[i] = update(api, cluster, service, ++generations[service]); // distinct slices: no race
          }
          return null;
        }));
      }
      for (Future<?> writer : writers) {
        writer.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("burst write failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    long written = System.nanoTime();
    long last = 0;
    for (long v : versions) {
      last = Math.max(last, v);
    }
    int missing = awaitEverywhere(daemons, last, CHANGE_TIMEOUT);
    long done = 0;
    for (SimulatedDaemon daemon : daemons) {
      done = Math.max(done, daemon.log().firstAtOrAfter(last));
    }
    long serverCpu = server.cpuNanos() - cpu;
    LongBuffer slowest = new LongBuffer(Integer.MAX_VALUE);
    LongBuffer pairs = new LongBuffer(Integer.MAX_VALUE);
    for (int i = 0; i < n; i++) {
      slowest.add(latencies(daemons, versions[i], sent[i], pairs));
    }
    report(report, scenario, slowest, pairs, missing);
    report.figure(scenario, "write-throughput", n / ((written - start) / 1e9), "changes/s");
    report.figure(scenario, "duration", (Math.max(done, written) - start) / 1e6, "ms");
    report.figure(scenario, "cpu", serverCpu / 1e9, "s");
    report.figure(scenario, "cpu-per-change", serverCpu / 1e6 / n, "ms");
    report.figure(scenario, "rss", server.rssMiB(), "MB");
    report.figure(scenario, "heap-used", server.heapUsedMiB(), "MB");
    int pushes = 0;
    for (SimulatedDaemon daemon : daemons) {
      pushes += daemon.log().pushes();
    }
    Report.log("%s: writes took %.0f ms; bench process CPU %.1f s; %d pushes received in all so far; "
        + "busiest server threads: %s", scenario, (written - start) / 1e6, (benchCpuNanos() - benchCpu) / 1e9, pushes,
        busiest(threads, server.threadCpuNanos()));
    return missing == 0;
  }

  private static void report(Report report, String scenario, LongBuffer slowest, LongBuffer pairs, int missing) {
    LatencyStats all = LatencyStats.of(slowest.toArray(), slowest.size());
    report.figure(scenario, "latency-p50", all.percentileMillis(50), "ms");
    report.figure(scenario, "latency-p99", all.percentileMillis(99), "ms");
    report.figure(scenario, "latency-max", all.maxMillis(), "ms");
    LatencyStats each = LatencyStats.of(pairs.toArray(), pairs.size());
    report.figure(scenario, "daemon-latency-p50", each.percentileMillis(50), "ms");
    report.figure(scenario, "daemon-latency-p99", each.percentileMillis(99), "ms");
    report.figure(scenario, "missed", missing, "daemon-changes");
  }

  /** PUTs the slice of {@code service} at {@code generation}; returns the write's resourceVersion. */
  private static long update(ApiClient api, ServiceCluster cluster, int service, int generation)
      throws IOException, InterruptedException {
    HttpResponse<String> response = api.send("PUT", cluster.slicePath(service), cluster.sliceJson(service, generation));
    if (response.statusCode() != 200) {
      throw new IOException("PUT " + cluster.slicePath(service) + ": " + ApiClient.describe(response));
    }
    return ApiClient.resourceVersion(response);
  }

  /** Waits until every daemon has a push at {@code version} or later; returns how many did not in time. */
  private static int awaitEverywhere(List<SimulatedDaemon> daemons, long version, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int behind;
    do {
      behind = 0;
      for (SimulatedDaemon daemon : daemons) {
        if (daemon.log().lastVersion() < version && daemon.problem() == null) {
          behind++;
        }
      }
      if (behind == 0) {
        break;
      }
      Thread.sleep(2);
    } while (System.nanoTime() < deadline);
    int missing = 0;
    for (SimulatedDaemon daemon : daemons) {
      if (daemon.log().lastVersion() < version) {
        missing++;
        if (missing == 1) {
          Report.log("daemon %s lacks version %d (it has %d): %s", daemon.node(), version,
              daemon.log().lastVersion(), daemon.problem());
        }
      }
    }
    return missing;
  }

  /** Adds each daemon's latency for {@code version} to {@code pairs}; returns the slowest (daemons lacking it skipped). */
  private static long latencies(List<SimulatedDaemon> daemons, long version, long sent, LongBuffer pairs) {
    long slowest = 0;
    for (SimulatedDaemon daemon : daemons) {
      long at = daemon.log().firstAtOrAfter(version);
      if (at >= 0) {
        long latency = Math.max(0, at - sent);
        pairs.add(latency);
        slowest = Math.max(slowest, latency);
      }
    }
    return slowest;
  }

  /** Cross-checks with the control's own view: every daemon connected, at the last version, no NACKs. */
  private static boolean verify(Admin admin, List<SimulatedDaemon> daemons) throws IOException, InterruptedException {
    long newest = 0;
    for (SimulatedDaemon daemon : daemons) {
      newest = Math.max(newest, daemon.log().lastVersion());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String problem;
    do {
      problem = null;
      JsonNode status = admin.status();
      int connected = 0;
      for (JsonNode daemon : status.path("daemons")) {
        if (!daemon.path("connected").asBoolean()) {
          continue;
        }
        connected++;
        if (daemon.path("nacks").asLong() != 0) {
          problem = daemon.path("id").asText() + " NACKed: " + daemon.path("lastNack").asText();
        } else if (daemon.path("ackedVersion").asLong() < newest) {
          problem = daemon.path("id").asText() + " acked " + daemon.path("ackedVersion").asLong() + " < " + newest;
        }
      }
      if (connected != daemons.size()) {
        problem = connected + " daemons connected (expected " + daemons.size() + ")";
      }
      if (problem == null) {
        Report.log("verify: /status shows all %d daemons connected, ACKed version >= %d, no NACKs", connected,
            newest);
        return true;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    Report.log("verify: %s", problem);
    return false;
  }

  private static void closeAll(List<SimulatedDaemon> daemons) {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (SimulatedDaemon daemon : daemons) {
        pool.execute(daemon::close);
      }
      pool.shutdown();
      if (!pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
        Report.log("some daemons did not close within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      pool.shutdownNow();
    }
  }

  /** The server threads that used the most CPU between two samples, as "name=ms" pairs. */
  private static String busiest(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
    return after.entrySet().stream()
        .map(e -> java.util.Map.entry(e.getKey().substring(e.getKey().indexOf(' ') + 1),
            e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(5)
        .map(e -> e.getKey() + "=" + e.getValue() / 1_000_000 + "ms")
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private static long benchCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The control's admin port (plain HTTP on 127.0.0.1). */
  private static final class Admin {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Admin(URI base) {
      this.base = base;
    }

    JsonNode status() throws IOException, InterruptedException {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/status"))
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("GET /status: " + r.statusCode());
      }
      return JSON.readTree(r.body());
    }
  }
}
