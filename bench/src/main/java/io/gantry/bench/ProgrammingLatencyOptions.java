package io.gantry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Command-line settings of {@link ProgrammingLatencyBench}; immutable.
 *
 * @param jar the gantry jar to run
 * @param services selector-less Services in the cluster, one EndpointSlice each
 * @param endpointsPerService endpoints in each slice
 * @param namespaces namespaces the Services are spread over
 * @param loadClients requests in flight while loading the cluster
 * @param daemons simulated daemons subscribed during the measurements
 * @param fullClients how many of them are the real DataPlaneClient (holding full snapshots)
 * @param connectWave daemons connecting at once (each receives the whole cluster)
 * @param singles single changes measured, one at a time
 * @param singleGap pause between two single changes once the previous one is everywhere
 * @param burst changes written as fast as possible in the burst scenario
 * @param burstClients requests in flight during the burst
 * @param foldIterations measured folds in the daemon-apply micro-benchmark
 * @param serverHeap the control process's -Xmx, or "" for the JVM default
 * @param applyOnly run only the in-process daemon-apply scenarios (no control process)
 */
record ProgrammingLatencyOptions(Path jar, int services, int endpointsPerService, int namespaces, int loadClients,
    int daemons, int fullClients, int connectWave, int singles, Duration singleGap, int burst, int burstClients,
    int foldIterations, String serverHeap, boolean applyOnly) {

  static final String USAGE = """
      usage: ProgrammingLatencyBench [--jar PATH] [--services N] [--endpoints-per-service N] [--namespaces N]
                                     [--load-clients N] [--daemons N] [--full-clients N] [--connect-wave N]
                                     [--singles N] [--single-gap-ms N] [--burst N] [--burst-clients N]
                                     [--fold-iterations N] [--server-heap SIZE] [--apply-only]
        --jar PATH                 gantry jar to start (default: $GANTRY_JAR, else cli/target/gantry.jar)
        --services N               selector-less Services, one EndpointSlice each (default 10000)
        --endpoints-per-service N  endpoints per slice (default 10: 100 000 endpoints)
        --namespaces N             namespaces the Services are spread over (default 10)
        --load-clients N           requests in flight while loading (default 24)
        --daemons N                simulated daemons on their own gRPC streams (default 1000)
        --full-clients N           of those, real DataPlaneClients holding full snapshots (default 4)
        --connect-wave N           daemons subscribing at once during the initial sync (default 25)
        --singles N                single endpoint changes measured (default 40)
        --single-gap-ms N          pause between single changes (default 200)
        --burst N                  changes in the burst (default 1000)
        --burst-clients N          requests in flight during the burst (default 16)
        --fold-iterations N        measured folds in the daemon-apply micro-benchmark (default 20000)
        --server-heap SIZE         -Xmx of the control process, e.g. 2g (default: the JVM's)
        --apply-only               only the in-process daemon-apply micro-benchmark
      Figures go to stdout, one per line; progress goes to stderr.""";

  static ProgrammingLatencyOptions parse(String[] args, Map<String, String> env) {
    String jar = env.getOrDefault("GANTRY_JAR", "cli/target/gantry.jar");
    int services = 10_000;
    int endpoints = 10;
    int namespaces = 10;
    int loadClients = 24;
    int daemons = 1000;
    int full = 4;
    int wave = 25;
    int singles = 40;
    int gapMs = 200;
    int burst = 1000;
    int burstClients = 16;
    int folds = 20_000;
    String heap = "";
    boolean applyOnly = false;
    for (Map.Entry<String, String> option : BenchArgs.parse(args, Set.of("--apply-only")).entrySet()) {
      String name = option.getKey();
      String value = option.getValue();
      switch (name) {
        case "--apply-only" -> applyOnly = true;
        case "--jar" -> jar = value;
        case "--services" -> services = BenchArgs.intIn(name, value, 1, 100_000);
        case "--endpoints-per-service" -> endpoints = BenchArgs.intIn(name, value, 1, 1000);
        case "--namespaces" -> namespaces = BenchArgs.intIn(name, value, 1, 1000);
        case "--load-clients" -> loadClients = BenchArgs.intIn(name, value, 1, 256);
        case "--daemons" -> daemons = BenchArgs.intIn(name, value, 1, 10_000);
        case "--full-clients" -> full = BenchArgs.intIn(name, value, 0, 10_000);
        case "--connect-wave" -> wave = BenchArgs.intIn(name, value, 1, 10_000);
        case "--singles" -> singles = BenchArgs.intIn(name, value, 1, 10_000);
        case "--single-gap-ms" -> gapMs = BenchArgs.intIn(name, value, 0, 60_000);
        case "--burst" -> burst = BenchArgs.intIn(name, value, 1, 100_000);
        case "--burst-clients" -> burstClients = BenchArgs.intIn(name, value, 1, 256);
        case "--fold-iterations" -> folds = BenchArgs.intIn(name, value, 1, 10_000_000);
        case "--server-heap" -> {
          if (!value.matches("\\d+[kKmMgG]?")) {
            throw new BenchArgs.UsageException(name + ": " + value + " (expected: a -Xmx size such as 2g)");
          }
          heap = value;
        }
        default -> throw new BenchArgs.UsageException("unknown option: " + name);
      }
    }
    if (full > daemons) {
      throw new BenchArgs.UsageException("--full-clients: " + full + " (expected: at most --daemons, " + daemons + ")");
    }
    if ((long) services * endpoints > 12L * 65536) {
      throw new BenchArgs.UsageException("--services x --endpoints-per-service: " + (long) services * endpoints
          + " (expected: at most " + 12 * 65536 + ", the addresses 127.244.0.0-127.255.255.255)");
    }
    if (burst > services) {
      throw new BenchArgs.UsageException("--burst: " + burst + " (expected: at most --services, " + services
          + ": every change of a burst goes to a different slice)");
    }
    return new ProgrammingLatencyOptions(Path.of(jar), services, endpoints, namespaces, loadClients, daemons, full,
        wave, singles, Duration.ofMillis(gapMs), burst, burstClients, folds, heap, applyOnly);
  }
}
