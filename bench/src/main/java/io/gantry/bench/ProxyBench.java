package io.gantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/bench proxy}: the Gantry service proxy (static mode, {@code mode tcp} equivalent)
 * side by side with HAProxy {@code mode tcp} in one run, same backends, loopback only:
 * <ul>
 *   <li>{@code bulk_p1}, {@code bulk_p8}: iperf3 with 1 and 8 streams (Gbit/s, proxy CPU ms per GB);</li>
 *   <li>{@code connrate}: wrk with {@code Connection: close} against a small nginx body: one TCP
 *       connection per request (conn/s, p50/p99, proxy CPU us per connection);</li>
 *   <li>{@code rr_keepalive}: wrk keep-alive (req/s, p50/p99, proxy CPU us per request).</li>
 * </ul>
 * Proxy CPU is utime+stime from {@code /proc/PID/stat} over the run. Then a {@code ratio} line per
 * figure: Gantry over HAProxy (higher is better for rates, lower for CPU). Every process it starts
 * is stopped by its own handle; every load run is bounded by a timeout.
 *
 * <p>Options: {@code --jar PATH}, {@code --duration-seconds N} (5), {@code --reps N} (3; figures are medians),
 * {@code --warmup-seconds N} (30: connection churn through Gantry before anything is measured),
 * {@code --workers N} (proxy threads for both, 1), {@code --splice}, {@code --base-port P} (19400),
 * {@code --java-opts "..."}, {@code --only S[,S...]} (scenarios to run, of {@value #SCENARIO_NAMES}; all by
 * default). Needs haproxy, nginx, wrk and iperf3 on PATH.
 */
public final class ProxyBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long CLK_TCK = 100;
  private static final String SCENARIO_NAMES = "bulk_p1,bulk_p8,connrate,rr_keepalive";
  private static final List<String> SCENARIOS = List.of(SCENARIO_NAMES.split(","));

  private final List<Process> started = new ArrayList<>();
  private final Path work;
  private final int duration;
  private final int warmup;
  private final Report report = new Report("proxy");

  private ProxyBench(Path work, int duration, int warmup) {
    this.work = work;
    this.duration = duration;
    this.warmup = warmup;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts;
    List<String> scenarios;
    try {
      opts = BenchArgs.parse(args, Set.of("--splice"));
      scenarios = scenarios(opts.getOrDefault("--only", SCENARIO_NAMES));
    } catch (BenchArgs.UsageException e) {
      if (e.getMessage() != null) {
        System.err.println(e.getMessage());
      }
      System.err.println("usage: bin/bench proxy [--jar PATH] [--duration-seconds N] [--warmup-seconds N] [--reps N] "
          + "[--workers N] "
          + "[--splice] [--base-port P] [--java-opts \"...\"] [--only " + SCENARIO_NAMES + "]");
      System.exit(2);
      return;
    }
    boolean splice = opts.containsKey("--splice");
    Path jar = Path.of(opts.getOrDefault("--jar", System.getenv().getOrDefault("GANTRY_JAR", "cli/target/gantry.jar")));
    int duration = Integer.parseInt(opts.getOrDefault("--duration-seconds", "5"));
    int warmup = Integer.parseInt(opts.getOrDefault("--warmup-seconds", "30"));
    int reps = Integer.parseInt(opts.getOrDefault("--reps", "3"));
    int workers = Integer.parseInt(opts.getOrDefault("--workers", "1"));
    int base = Integer.parseInt(opts.getOrDefault("--base-port", "19400"));
    String javaOpts = opts.getOrDefault("--java-opts", "-XX:+UseParallelGC -Xms256m -Xmx256m");
    for (String tool : List.of("haproxy", "nginx", "wrk", "iperf3")) {
      if (!onPath(tool)) {
        Report.log("missing tool %s (apt-get install haproxy nginx wrk iperf3)", tool);
        System.exit(1);
      }
    }
    if (!Files.isRegularFile(jar)) {
      Report.log("missing gantry jar %s (build cli first, or --jar)", jar);
      System.exit(1);
    }
    Path work = Files.createTempDirectory("gantry-proxy-bench-");
    ProxyBench bench = new ProxyBench(work, duration, warmup);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll));
    try {
      bench.run(jar, reps, workers, base, splice, javaOpts, scenarios);
    } finally {
      bench.stopAll();
    }
  }

  /** The scenarios named in {@code list} (comma-separated), in the order they are listed. */
  private static List<String> scenarios(String list) {
    List<String> chosen = new ArrayList<>();
    for (String name : list.split(",")) {
      String s = name.trim();
      if (!SCENARIOS.contains(s)) {
        throw new BenchArgs.UsageException("--only: " + s + " (expected: one or more of " + SCENARIO_NAMES + ")");
      }
      if (!chosen.contains(s)) {
        chosen.add(s);
      }
    }
    return chosen;
  }

  private void run(Path jar, int reps, int workers, int base, boolean splice, String javaOpts, List<String> scenarios)
      throws Exception {
    int iperfPort = base;
    int httpPort = base + 1;
    int hapIperf = base + 10;
    int hapHttp = base + 11;
    int ganIperf = base + 20;
    int ganHttp = base + 21;
    start("iperf3", "iperf3", "-s", "-B", "127.0.0.1", "-p", String.valueOf(iperfPort));
    Files.createDirectories(work.resolve("ngx-tmp"));
    Files.writeString(work.resolve("backend.conf"), """
        worker_processes 1;
        worker_rlimit_nofile 16384;
        daemon off;
        pid %1$s/backend.pid;
        error_log %1$s/backend.error.log warn;
        events { worker_connections 8000; multi_accept on; }
        http {
          access_log off;
          client_body_temp_path %1$s/ngx-tmp/body; proxy_temp_path %1$s/ngx-tmp/proxy;
          fastcgi_temp_path %1$s/ngx-tmp/fastcgi; uwsgi_temp_path %1$s/ngx-tmp/uwsgi; scgi_temp_path %1$s/ngx-tmp/scgi;
          keepalive_requests 100000000; keepalive_timeout 120s;
          server { listen 127.0.0.1:%2$d backlog=4096;
                   location / { default_type text/plain; return 200 "%3$s"; } }
        }
        """.formatted(work, httpPort, "x".repeat(64)));
    start("nginx-backend", "nginx", "-c", work.resolve("backend.conf").toString());
    Files.writeString(work.resolve("haproxy.cfg"), """
        global
          nbthread %d
          maxconn 8000
        defaults
          mode tcp
          timeout connect 5s
          timeout client 60s
          timeout server 60s
        listen l4_iperf
          bind 127.0.0.1:%d
          server s1 127.0.0.1:%d
        listen l4_http
          bind 127.0.0.1:%d
          server s1 127.0.0.1:%d
        """.formatted(workers, hapIperf, iperfPort, hapHttp, httpPort));
    Process haproxy = start("haproxy", "haproxy", "-db", "-f", work.resolve("haproxy.cfg").toString());
    Path manifests = Files.createDirectories(work.resolve("manifests"));
    Files.writeString(manifests.resolve("bench.yaml"), service("iperf", ganIperf, iperfPort) + "---\n"
        + service("http", ganHttp, httpPort));
    List<String> gantryCmd = new ArrayList<>();
    gantryCmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    gantryCmd.addAll(List.of(javaOpts.trim().split("\\s+")));
    gantryCmd.addAll(List.of("-jar", jar.toString(), "proxy", "--manifests", manifests.toString(), "--node", "bench",
        "--threads", String.valueOf(workers), "--admin-port", "-1"));
    if (splice) {
      gantryCmd.add("--splice");
    }
    Process gantry = start("gantry-proxy", gantryCmd.toArray(String[]::new));
    for (int port : List.of(iperfPort, httpPort, hapIperf, hapHttp, ganIperf, ganHttp)) {
      waitTcp(port);
    }
    // The JIT goes on compiling the connection path for 20-30 s of churn: CPU per connection
    // still fell by a tenth between 10 and 30 s (PrintCompilation and async-profiler: C2 took 7 %
    // of the proxy's CPU in the seconds after 10 s of churn, under 1 % after 40 s).
    Report.log("warming up (JIT) for %d s", warmup + 8);
    wrk(warmup, ganHttp, 32, true);
    wrk(5, ganHttp, 64, false);
    iperf(ganIperf, 8, 3);
    Thread.sleep(1000);
    Map<String, Process> targets = new LinkedHashMap<>();
    targets.put("haproxy", haproxy);
    targets.put("gantry", gantry);
    // Interleaved per scenario (haproxy, gantry, haproxy, gantry, ...) so that load from other
    // processes on a shared machine hits both alike; each figure is the median over the reps.
    Map<String, Map<String, List<Double>>> samples = new LinkedHashMap<>();
    for (String scenario : scenarios) {
      for (int rep = 1; rep <= reps; rep++) {
        for (Map.Entry<String, Process> t : targets.entrySet()) {
          String name = t.getKey();
          long pid = t.getValue().pid();
          Map<String, List<Double>> f = samples.computeIfAbsent(name, k -> new LinkedHashMap<>());
          Report.log("%s rep %d: %s", scenario, rep, name);
          int ip = name.equals("gantry") ? ganIperf : hapIperf;
          int hp = name.equals("gantry") ? ganHttp : hapHttp;
          long t0 = cpuTicks(pid);
          if (scenario.startsWith("bulk_p")) {
            double[] r = iperf(ip, Integer.parseInt(scenario.substring(6)), duration);
            add(f, scenario + ".throughput", r[0] / 1e9);
            add(f, scenario + ".cpu_per_GB", (cpuTicks(pid) - t0) * 1000.0 / CLK_TCK / (r[1] / 1e9));
          } else {
            boolean close = scenario.equals("connrate");
            Map<String, Double> w = wrk(duration, hp, close ? 32 : 64, close);
            add(f, scenario + ".rate", w.get("rps"));
            add(f, scenario + ".p50", w.get("p50_us") / 1000);
            add(f, scenario + ".p99", w.get("p99_us") / 1000);
            add(f, scenario + ".errors", w.get("errors"));
            add(f, scenario + ".cpu_per_op", (cpuTicks(pid) - t0) * 1e6 / CLK_TCK / w.get("requests"));
            if (close) {
              Thread.sleep(1000); // let TIME_WAIT churn settle
            }
          }
        }
      }
    }
    Map<String, Map<String, Double>> figures = new LinkedHashMap<>();
    samples.forEach((target, f) -> {
      Map<String, Double> medians = figures.computeIfAbsent(target, k -> new LinkedHashMap<>());
      f.forEach((key, values) -> medians.put(key, median(values)));
    });
    for (Map.Entry<String, Map<String, Double>> t : figures.entrySet()) {
      Report r = new Report("proxy." + t.getKey());
      for (Map.Entry<String, Double> e : t.getValue().entrySet()) {
        String[] parts = e.getKey().split("\\.");
        r.figure(parts[0], parts[1], e.getValue(), unit(e.getKey()));
      }
    }
    Map<String, Double> g = figures.get("gantry");
    Map<String, Double> h = figures.get("haproxy");
    for (String key : g.keySet()) {
      if (key.endsWith("errors") || h.get(key) == 0) {
        continue;
      }
      String[] parts = key.split("\\.");
      new Report("proxy.ratio").figure(parts[0], parts[1] + "_gantry_over_haproxy", g.get(key) / h.get(key), "x");
    }
  }

  private static String unit(String key) {
    if (key.endsWith("throughput")) {
      return "Gbit/s";
    } else if (key.endsWith("cpu_per_GB")) {
      return "ms/GB";
    } else if (key.endsWith("rate")) {
      return key.startsWith("connrate") ? "conn/s" : "req/s";
    } else if (key.endsWith("p50") || key.endsWith("p99")) {
      return "ms";
    } else if (key.endsWith("cpu_per_op")) {
      return key.startsWith("connrate") ? "us/conn" : "us/req";
    }
    return "count";
  }

  private static void add(Map<String, List<Double>> f, String key, double value) {
    f.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String service(String name, int port, int backend) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %1$s, namespace: default}
        spec:
          clusterIP: 127.0.0.1
          ports: [{name: tcp, port: %2$d, targetPort: %3$d}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: %1$s-1, namespace: default, labels: {kubernetes.io/service-name: %1$s}}
        addressType: IPv4
        ports: [{name: tcp, port: %3$d, protocol: TCP}]
        endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
        """.formatted(name, port, backend);
  }

  /** [bits per second, bytes] received. */
  private double[] iperf(int port, int streams, int seconds) throws Exception {
    for (int attempt = 1; attempt <= 3; attempt++) {
      String out = exec(seconds + 20, "iperf3", "-c", "127.0.0.1", "-p", String.valueOf(port), "-t",
          String.valueOf(seconds), "-P", String.valueOf(streams), "-J");
      try {
        JsonNode sum = JSON.readTree(out).path("end").path("sum_received");
        if (sum.has("bits_per_second")) {
          return new double[] {sum.path("bits_per_second").asDouble(), sum.path("bytes").asDouble()};
        }
      } catch (IOException ignored) {
        // retried
      }
      Report.log("iperf3 attempt %d on port %d failed: %s", attempt, port, out.lines().limit(3).toList());
      Thread.sleep(1000);
    }
    throw new IllegalStateException("iperf3 gave no result on port " + port);
  }

  private Map<String, Double> wrk(int seconds, int port, int connections, boolean close) throws Exception {
    Path lua = work.resolve("report.lua");
    if (!Files.exists(lua)) {
      Files.writeString(lua, """
          done = function(summary, latency, requests)
            local e = summary.errors
            io.write(string.format("WRK requests=%d rps=%.2f p50_us=%d p99_us=%d errors=%d\\n",
              summary.requests, summary.requests / (summary.duration / 1e6),
              latency:percentile(50), latency:percentile(99),
              e.connect + e.read + e.write + e.status + e.timeout))
          end
          """);
    }
    List<String> cmd = new ArrayList<>(List.of("wrk", "-t", "2", "-c", String.valueOf(connections), "-d",
        seconds + "s", "-s", lua.toString()));
    if (close) {
      cmd.addAll(List.of("-H", "Connection: close"));
    }
    cmd.add("http://127.0.0.1:" + port + "/");
    String out = exec(seconds + 30, cmd.toArray(String[]::new));
    String line = out.lines().filter(l -> l.startsWith("WRK ")).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("wrk gave no summary: " + out));
    Map<String, Double> values = new HashMap<>();
    for (String kv : line.substring(4).split(" ")) {
      int eq = kv.indexOf('=');
      values.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1)));
    }
    return values;
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private Process start(String label, String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectOutput(work.resolve(label + ".out").toFile())
        .redirectError(work.resolve(label + ".err").toFile()).start();
    started.add(p);
    Report.log("started %s pid %d", label, p.pid());
    return p;
  }

  private static String exec(int timeoutSeconds, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private void waitTcp(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nothing listens on 127.0.0.1:" + port + " (see " + work + ")");
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private synchronized void stopAll() {
    for (Process p : started) {
      p.destroy();
    }
    for (Process p : started) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    started.clear();
  }
}
