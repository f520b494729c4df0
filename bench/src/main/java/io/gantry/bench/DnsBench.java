package io.gantry.bench;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/bench dns}: dnsperf against {@code gantry dns} (static mode), unbound and dnsmasq
 * serving the same records: {@code DNS_RECORDS} cluster-style A records
 * ({@code svcN.default.svc.cluster.local}), {@code DNS_SRV_RECORDS} SRV records
 * ({@code _http._tcp.svcN...}) and a seeded query mix of A hits, SRV hits and NXDOMAIN misses
 * (70/10/20), over UDP on 127.0.0.1, one server thread each. Every server is started here,
 * checked for correct answers, warmed up, measured, and stopped by its PID.
 *
 * <p>Figures per target: queries/s, average latency, lost queries, CPU microseconds per query
 * (utime+stime of the server's process from /proc over the measured run); for gantry also the
 * ratios to each peer: {@code cpu_efficiency_vs_<peer>} = peer CPU per query / gantry CPU per
 * query (above 1: gantry spends less) and {@code qps_ratio_vs_<peer>}.
 *
 * <p>Environment (defaults): DNS_DUR (10 s), DNS_WARMUP (5 s), DNS_RECORDS (1000), DNS_SRV_RECORDS
 * (100), DNS_HIT_PCT (70), DNS_SRV_PCT (10), DNS_QUERIES (20000), DNS_CLIENTS (8),
 * DNS_OUTSTANDING (100), DNS_TARGETS ("gantry unbound dnsmasq"), GANTRY_JAR.
 * Needs dnsperf, dig, unbound and dnsmasq (Debian packages dnsperf, dnsutils, unbound, dnsmasq).
 */
public final class DnsBench {

  private static final Pattern QPS = Pattern.compile("Queries per second:\\s+([0-9.]+)");
  private static final Pattern COMPLETED = Pattern.compile("Queries completed:\\s+(\\d+)");
  private static final Pattern LOST = Pattern.compile("Queries lost:\\s+(\\d+)");
  private static final Pattern LATENCY = Pattern.compile("Average Latency \\(s\\):\\s+([0-9.]+)");
  private static final long CLK_TCK = 100;

  private final Path work;
  private final Map<String, Integer> env = new LinkedHashMap<>();
  private final List<Process> started = new ArrayList<>();

  private DnsBench(Path work) {
    this.work = work;
    env.put("DNS_DUR", 10);
    env.put("DNS_WARMUP", 5);
    env.put("DNS_RECORDS", 1000);
    env.put("DNS_SRV_RECORDS", 100);
    env.put("DNS_HIT_PCT", 70);
    env.put("DNS_SRV_PCT", 10);
    env.put("DNS_QUERIES", 20000);
    env.put("DNS_CLIENTS", 8);
    env.put("DNS_OUTSTANDING", 100);
    env.replaceAll((key, value) -> System.getenv(key) != null ? Integer.parseInt(System.getenv(key)) : value);
  }

  public static void main(String[] args) throws Exception {
    for (String tool : List.of("dnsperf", "dig", "unbound", "dnsmasq")) {
      if (!onPath(tool)) {
        Report.log("missing %s (Debian packages: dnsperf dnsutils unbound dnsmasq; as root: apt-get install -y "
            + "dnsperf dnsutils unbound dnsmasq)", tool);
        System.exit(2);
      }
    }
    Path work = Files.createTempDirectory("gantry-bench-dns-");
    DnsBench bench = new DnsBench(work);
    try {
      bench.run(List.of(System.getenv().getOrDefault("DNS_TARGETS", "gantry unbound dnsmasq").trim().split("\\s+")));
    } finally {
      bench.stopAll();
      if (!"1".equals(System.getenv("KEEP_WORK"))) {
        try (var files = Files.walk(work)) {
          files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
      } else {
        Report.log("work dir kept: %s", work);
      }
    }
  }

  private record Result(double qps, double latencyMs, long lost, long completed, double cpuMicrosPerQuery) {
  }

  private void run(List<String> targets) throws Exception {
    writeData();
    Map<String, Result> results = new LinkedHashMap<>();
    for (String target : targets) {
      int port = freePort();
      Process process = switch (target) {
        case "gantry" -> startGantry(port);
        case "unbound" -> startUnbound(port);
        case "dnsmasq" -> startDnsmasq(port);
        default -> throw new IllegalArgumentException("DNS_TARGETS: " + target + " (expected: gantry, unbound, dnsmasq)");
      };
      try {
        awaitCorrect(target, port, process);
        Report.log("%s ready on :%d (pid %d); warming up %d s", target, port, process.pid(), env.get("DNS_WARMUP"));
        dnsperf(port, env.get("DNS_WARMUP"));
        long before = cpuTicks(process.pid());
        String out = dnsperf(port, env.get("DNS_DUR"));
        long ticks = cpuTicks(process.pid()) - before;
        Result result = parse(out, ticks);
        results.put(target, result);
        Report report = new Report("dns." + target);
        report.figure("udp_mix", "qps", result.qps(), "q/s");
        report.figure("udp_mix", "avg_lat", result.latencyMs(), "ms");
        report.figure("udp_mix", "lost", result.lost(), "queries");
        report.figure("udp_mix", "sut_cpu", result.cpuMicrosPerQuery(), "us/query");
      } finally {
        stop(process);
      }
    }
    Result gantry = results.get("gantry");
    if (gantry != null) {
      Report report = new Report("dns.gantry");
      for (Map.Entry<String, Result> peer : results.entrySet()) {
        if (!peer.getKey().equals("gantry")) {
          report.figure("udp_mix", "cpu_efficiency_vs_" + peer.getKey(),
              peer.getValue().cpuMicrosPerQuery() / gantry.cpuMicrosPerQuery(), "x");
          report.figure("udp_mix", "qps_ratio_vs_" + peer.getKey(), gantry.qps() / peer.getValue().qps(), "x");
        }
      }
    }
  }

  private Result parse(String out, long ticks) {
    double qps = number(QPS, out);
    long completed = (long) number(COMPLETED, out);
    long lost = (long) number(LOST, out);
    double latency = number(LATENCY, out) * 1000;
    double cpuMicros = completed == 0 ? Double.NaN : ticks * (1_000_000.0 / CLK_TCK) / completed;
    return new Result(qps, latency, lost, completed, cpuMicros);
  }

  private static double number(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("dnsperf output without " + pattern + ":\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }

  private String dnsperf(int port, int seconds) throws IOException, InterruptedException {
    return exec(seconds + 30, "dnsperf", "-s", "127.0.0.1", "-p", Integer.toString(port), "-d",
        work.resolve("queries").toString(), "-l", Integer.toString(seconds), "-c", env.get("DNS_CLIENTS").toString(),
        "-T", "1", "-q", env.get("DNS_OUTSTANDING").toString());
  }

  /** utime + stime of a process, in clock ticks. */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private void writeData() throws IOException {
    int records = env.get("DNS_RECORDS");
    int srvRecords = env.get("DNS_SRV_RECORDS");
    StringBuilder yaml = new StringBuilder();
    StringBuilder unbound = new StringBuilder();
    StringBuilder dnsmasq = new StringBuilder();
    for (int i = 0; i < records; i++) {
      String ip = "10.96." + (i / 256 % 256) + "." + (i % 256);
      String name = "svc" + i + ".default.svc.cluster.local";
      yaml.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: svc").append(i)
          .append(", namespace: default}\nspec:\n  clusterIP: ").append(ip).append('\n');
      if (i < srvRecords) {
        yaml.append("  ports: [{name: http, port: 80, protocol: TCP}]\n");
        unbound.append("  local-data: \"_http._tcp.").append(name).append(". 5 IN SRV 0 100 80 ").append(name)
            .append(".\"\n");
        dnsmasq.append("srv-host=_http._tcp.").append(name).append(',').append(name).append(",80,0,100\n");
      }
      unbound.append("  local-data: \"").append(name).append(". 5 IN A ").append(ip).append("\"\n");
    }
    Files.createDirectories(work.resolve("manifests"));
    Files.writeString(work.resolve("manifests/services.yaml"), yaml);
    StringBuilder hosts = new StringBuilder();
    for (int i = 0; i < records; i++) {
      hosts.append("10.96.").append(i / 256 % 256).append('.').append(i % 256).append(" svc").append(i)
          .append(".default.svc.cluster.local\n");
    }
    Files.writeString(work.resolve("hosts"), hosts);
    Files.writeString(work.resolve("unbound.records"), unbound);
    Files.writeString(work.resolve("dnsmasq.srv"), dnsmasq);
    Random random = new Random(42);
    StringBuilder queries = new StringBuilder();
    int hit = env.get("DNS_HIT_PCT");
    int srv = env.get("DNS_SRV_PCT");
    for (int k = 0; k < env.get("DNS_QUERIES"); k++) {
      double r = random.nextDouble() * 100;
      if (r < hit) {
        queries.append("svc").append(random.nextInt(records)).append(".default.svc.cluster.local A\n");
      } else if (r < hit + srv) {
        queries.append("_http._tcp.svc").append(random.nextInt(srvRecords)).append(".default.svc.cluster.local SRV\n");
      } else {
        queries.append("nosuch").append(random.nextInt(records)).append(".default.svc.cluster.local A\n");
      }
    }
    Files.writeString(work.resolve("queries"), queries);
  }

  private Process startGantry(int port) throws IOException {
    String jar = System.getenv().getOrDefault("GANTRY_JAR", "cli/target/gantry.jar");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return start("gantry", java, "-XX:+UseParallelGC", "-Xms256m", "-Xmx256m", "-jar", jar, "dns",
        "--manifests", work.resolve("manifests").toString(), "--listen", "127.0.0.1:" + port, "--threads", "1",
        "--no-forward", "--no-autopath", "--admin-port", "0");
  }

  private Process startUnbound(int port) throws IOException {
    String config = """
        server:
          interface: 127.0.0.1
          port: %d
          do-ip6: no
          do-tcp: yes
          do-daemonize: no
          chroot: ""
          username: ""
          directory: "%s"
          pidfile: ""
          use-syslog: no
          logfile: ""
          verbosity: 0
          num-threads: 1
          so-reuseport: yes
          access-control: 127.0.0.0/8 allow
          module-config: "iterator"
          local-zone: "cluster.local." static
        %s
        remote-control:
          control-enable: no
        """.formatted(port, work, Files.readString(work.resolve("unbound.records")));
    Files.writeString(work.resolve("unbound.conf"), config);
    return start("unbound", "unbound", "-d", "-c", work.resolve("unbound.conf").toString());
  }

  private Process startDnsmasq(int port) throws IOException {
    String config = """
        port=%d
        listen-address=127.0.0.1
        bind-interfaces
        no-resolv
        no-hosts
        no-poll
        user=root
        pid-file=
        log-facility=%s
        cache-size=10000
        local-ttl=5
        local=/cluster.local/
        addn-hosts=%s
        %s""".formatted(port, work.resolve("dnsmasq.log"), work.resolve("hosts"),
        Files.readString(work.resolve("dnsmasq.srv")));
    Files.writeString(work.resolve("dnsmasq.conf"), config);
    return start("dnsmasq", "dnsmasq", "-k", "-C", work.resolve("dnsmasq.conf").toString());
  }

  private Process start(String label, String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(work.resolve(label + ".out").toFile()).start();
    started.add(process);
    return process;
  }

  private void awaitCorrect(String target, int port, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(target + " exited:\n" + Files.readString(work.resolve(target + ".out")));
      }
      String a = exec(10, "dig", "+short", "+time=1", "+tries=1", "-p", Integer.toString(port), "@127.0.0.1",
          "svc1.default.svc.cluster.local", "A").trim();
      if (a.equals("10.96.0.1")) {
        String nx = exec(10, "dig", "+time=1", "+tries=1", "-p", Integer.toString(port), "@127.0.0.1",
            "nosuch1.default.svc.cluster.local", "A");
        String srv = exec(10, "dig", "+short", "+time=1", "+tries=1", "-p", Integer.toString(port), "@127.0.0.1",
            "_http._tcp.svc1.default.svc.cluster.local", "SRV").trim();
        if (!nx.contains("status: NXDOMAIN") || !srv.equals("0 100 80 svc1.default.svc.cluster.local.")) {
          throw new IllegalStateException(target + " answers wrongly: miss=" + nx + " srv=" + srv);
        }
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(target + " does not answer svc1.default.svc.cluster.local correctly");
  }

  private static String exec(int timeoutSeconds, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private void stopAll() throws InterruptedException {
    for (Process process : started) {
      if (process.isAlive()) {
        stop(process);
      }
    }
  }

  private static boolean onPath(String tool) {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** A port free for both UDP and TCP on 127.0.0.1 right now. */
  private static int freePort() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          return tcp.getLocalPort();
        } catch (IOException e) {
          // taken for TCP: try another
        }
      }
    }
    throw new IOException("no port free for UDP and TCP on 127.0.0.1");
  }

}
