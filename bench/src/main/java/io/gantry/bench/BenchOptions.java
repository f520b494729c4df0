package io.gantry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line settings of {@link ApiBench}; immutable.
 *
 * @param jar the gantry jar to run ({@code --jar}, else {@code $GANTRY_JAR}, else
 *     {@code cli/target/gantry.jar} under the working directory)
 * @param warmup unmeasured load before each create scenario
 * @param duration measured time of each create scenario
 * @param createClients the concurrency levels of the create scenarios, in order
 * @param watchers concurrent watches of the fan-out scenario
 * @param writes writes the fan-out scenario makes while the watches are open
 * @param writeInterval pacing of those writes
 */
record BenchOptions(Path jar, Duration warmup, Duration duration, List<Integer> createClients,
    int watchers, int writes, Duration writeInterval) {

  static final String USAGE = """
      usage: ApiBench [--jar PATH] [--duration-seconds N] [--warmup-seconds N] [--watchers N]
                      [--writes N] [--write-interval-ms N]
        --jar PATH             gantry jar to start (default: $GANTRY_JAR, else cli/target/gantry.jar)
        --duration-seconds N   measured seconds per create scenario (default 10, 1..600)
        --warmup-seconds N     unmeasured seconds before each create scenario (default 2, 0..60)
        --watchers N           concurrent watches in the fan-out scenario (default 1000, 1..10000)
        --writes N             writes observed by every watch (default 100, 1..10000)
        --write-interval-ms N  pause between those writes (default 50, 1..10000)
      Figures go to stdout, one per line; progress goes to stderr.""";

  /** Parses {@code args} ({@code --name value} or {@code --name=value}); fails fast on errors. */
  static BenchOptions parse(String[] args, Map<String, String> env) {
    String jar = env.getOrDefault("GANTRY_JAR", "cli/target/gantry.jar");
    int duration = 10;
    int warmup = 2;
    int watchers = 1000;
    int writes = 100;
    int intervalMs = 50;
    for (Map.Entry<String, String> option : BenchArgs.parse(args, Set.of()).entrySet()) {
      String name = option.getKey();
      String value = option.getValue();
      switch (name) {
        case "--jar" -> jar = value;
        case "--duration-seconds" -> duration = BenchArgs.intIn(name, value, 1, 600);
        case "--warmup-seconds" -> warmup = BenchArgs.intIn(name, value, 0, 60);
        case "--watchers" -> watchers = BenchArgs.intIn(name, value, 1, 10_000);
        case "--writes" -> writes = BenchArgs.intIn(name, value, 1, 10_000);
        case "--write-interval-ms" -> intervalMs = BenchArgs.intIn(name, value, 1, 10_000);
        default -> throw new BenchArgs.UsageException("unknown option: " + name);
      }
    }
    return new BenchOptions(Path.of(jar), Duration.ofSeconds(warmup), Duration.ofSeconds(duration),
        List.of(1, 16), watchers, writes, Duration.ofMillis(intervalMs));
  }
}
