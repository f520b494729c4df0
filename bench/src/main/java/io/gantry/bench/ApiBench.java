package io.gantry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;

/**
 * {@code bin/bench api}: the control API under load, against a {@code gantry control} process
 * this benchmark starts on 127.0.0.1 and stops again.
 *
 * <p>Scenarios, in order, on one server:
 * <ul>
 *   <li>{@code create-1}, {@code create-16}: ConfigMap creates with 1 and 16 requests in flight,
 *       each after an unmeasured warm-up: throughput, p50/p99 latency, errors;
 *   <li>{@code watch-fanout-<N>}: N watches on one namespace, then W paced creates; latency from
 *       the writer's send to each watch's receipt (p50/p99/max over all N×W pairs), events
 *       received, lost (N×W minus received), duplicates, unexpected events.
 * </ul>
 * Each scenario also reports the server's CPU time per operation (user+system from
 * {@code /proc/<pid>/stat}; per create, or per delivered watch event) and its resident memory
 * afterwards.
 *
 * <p>Descriptors: the server is started with its soft {@code ulimit -n} raised to
 * min(hard, 65536). This process needs one per watch plus a few hundred; HotSpot on Linux
 * raises its own soft limit to the hard one at start, and the run stops early with advice if
 * the limit is still too low.
 *
 * <p>Exit status: 0 when every figure was measured cleanly, 1 when any create failed or any
 * watch event was lost (the figures are printed first), 2 on a bad command line or setup
 * (missing jar, too few descriptors).
 */
public final class ApiBench {

  private static final String FANOUT_NAMESPACE = "bench-fanout";

  private ApiBench() {}

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, System.getenv());
    } catch (BenchArgs.UsageException e) {
      if (e.getMessage() != null) {
        System.err.println("ApiBench: " + e.getMessage());
      }
      System.err.println(BenchOptions.USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
      return;
    }
    try {
      requireDescriptors(options.watchers() + 512);
      System.exit(run(options) ? 0 : 1);
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("ApiBench: " + e.getMessage()); // a setup problem, not a crash: no trace
      System.exit(2);
    }
  }

  /** Runs every scenario; returns false if any of them saw failures. */
  static boolean run(BenchOptions options)
      throws IOException, InterruptedException, GeneralSecurityException {
    Report report = new Report("api.gantry");
    Report.log("starting %s", options.jar().toAbsolutePath());
    GantryServer server = GantryServer.start(options.jar());
    try (server) {
      Thread hook = new Thread(server::close, "gantry-bench-stop-server");
      Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C must not leave the server running
      try {
        Report.log("server pid %d (%s) at %s, open-files limit %s", server.pid(), server.command(),
            server.baseUri(), server.openFilesLimit());
        ApiClient api = new ApiClient(server.baseUri(), ApiClient.trusting(server.caCertificate()),
            server.adminToken());
        api.awaitReady(Duration.ofSeconds(30));
        boolean clean = true;
        for (int clients : options.createClients()) {
          clean &= createScenario(report, server, api, options, clients);
        }
        clean &= fanoutScenario(report, server, api, options);
        return clean;
      } catch (IOException | RuntimeException e) {
        Report.log("failed: %s; server log tail:%n%s", e, server.logTail());
        throw e;
      } finally {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    } finally {
      Report.log("server stopped, data removed; host CPU pressure: %s", cpuPressure());
    }
  }

  private static boolean createScenario(Report report, GantryServer server, ApiClient api,
      BenchOptions options, int clients) throws IOException, InterruptedException {
    String scenario = "create-" + clients;
    if (!options.warmup().isZero()) {
      Report.log("%s: warm-up %d s", scenario, options.warmup().toSeconds());
      CreateLoad.run(api, "default", "warm" + clients, clients, options.warmup());
    }
    Report.log("%s: measuring %d s", scenario, options.duration().toSeconds());
    long cpuStart = server.cpuNanos();
    int gcStart = server.gcPausesMillis().size();
    CreateLoad.Result r = CreateLoad.run(api, "default", "c" + clients, clients, options.duration());
    long cpu = server.cpuNanos() - cpuStart;
    Report.log("%s: %d creates, server stops: %s", scenario, r.ok(),
        GcLog.summary(server.gcPausesMillis(), gcStart));
    LatencyStats latency = LatencyStats.of(r.latencies(), r.latencies().length);
    report.figure(scenario, "throughput", r.throughput(), "ops/s");
    report.figure(scenario, "latency-p50", latency.percentileMillis(50), "ms");
    report.figure(scenario, "latency-p99", latency.percentileMillis(99), "ms");
    report.figure(scenario, "errors", r.errors(), "count");
    report.figure(scenario, "cpu-per-op", r.ok() == 0 ? Double.NaN : cpu / 1e3 / r.ok(), "us");
    report.figure(scenario, "rss", server.rssMiB(), "MB");
    if (r.errors() > 0) {
      Report.log("%s: %d failed creates; first: %s", scenario, r.errors(), r.firstError());
    }
    return r.errors() == 0;
  }

  private static boolean fanoutScenario(Report report, GantryServer server, ApiClient api,
      BenchOptions options) throws IOException, InterruptedException {
    String scenario = "watch-fanout-" + options.watchers();
    Report.log("%s: opening %d watches, then %d writes every %d ms", scenario, options.watchers(),
        options.writes(), options.writeInterval().toMillis());
    WatchFanout.Result r = WatchFanout.run(api, server, FANOUT_NAMESPACE, options.watchers(),
        options.writes(), options.writeInterval());
    LatencyStats latency = LatencyStats.of(r.latencies(), r.latencies().length);
    report.figure(scenario, "watches-open", r.opened(), "count");
    report.figure(scenario, "open-time", r.openNanos() / 1e6, "ms");
    report.figure(scenario, "latency-p50", latency.percentileMillis(50), "ms");
    report.figure(scenario, "latency-p99", latency.percentileMillis(99), "ms");
    report.figure(scenario, "latency-max", latency.maxMillis(), "ms");
    report.figure(scenario, "received", r.received(), "events");
    report.figure(scenario, "expected", r.expected(), "events");
    report.figure(scenario, "lost", r.lost(), "events");
    report.figure(scenario, "duplicates", r.duplicates(), "events");
    report.figure(scenario, "unexpected", r.unexpected(), "events");
    report.figure(scenario, "write-errors", r.writes() - r.writesOk(), "count");
    LatencyStats writes = LatencyStats.of(r.writeLatencies(), r.writeLatencies().length);
    report.figure(scenario, "write-latency-p50", writes.percentileMillis(50), "ms");
    report.figure(scenario, "write-latency-p99", writes.percentileMillis(99), "ms");
    report.figure(scenario, "cpu-per-op", r.received() == 0 ? Double.NaN
        : r.deliveryCpuNanos() / 1e3 / r.received(), "us");
    report.figure(scenario, "client-stall-max", r.clientStallMillis(), "ms");
    report.figure(scenario, "rss", server.rssMiB(), "MB");
    Report.log("%s: server descriptors grew by %d while %d watches were open", scenario,
        r.serverDescriptorsAdded(), r.opened());
    boolean clean = r.lost() == 0 && r.duplicates() == 0 && r.unexpected() == 0;
    if (!clean || r.firstError() != null) {
      Report.log("%s: first problem: %s", scenario, r.firstError());
    }
    return clean;
  }

  /** The kernel's CPU pressure (PSI) line: how much of the time runnable tasks waited for a CPU. */
  private static String cpuPressure() {
    try {
      return Files.readAllLines(Path.of("/proc/pressure/cpu")).getFirst();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Fails fast when this process cannot hold {@code needed} descriptors. */
  private static void requireDescriptors(long needed) throws IOException {
    Path limits = Path.of("/proc/self/limits");
    if (!Files.isReadable(limits)) {
      return;
    }
    for (String line : Files.readAllLines(limits, StandardCharsets.US_ASCII)) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
        if (!soft.equals("unlimited") && Long.parseLong(soft) < needed) {
          throw new IllegalStateException("open-files limit " + soft + " (expected: at least "
              + needed + " for the watches; raise it with ulimit -n before running)");
        }
      }
    }
  }
}
