package io.gantry.control.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run the control component.
 *
 * @param dataDir                    where the store, certificates and token live
 * @param apiAddress                 where the API listens (default 127.0.0.1:6443)
 * @param insecureHttp               serve plain HTTP instead of HTTPS (tests and debugging only)
 * @param namespaceTerminationDelay  how long a Terminating namespace keeps its contents
 * @param compactionInterval         how often the store's watch history is compacted
 * @param historyRetentionIntervals  how many compaction intervals of history watches can resume from
 */
public record ControlConfig(Path dataDir, InetSocketAddress apiAddress, boolean insecureHttp,
    Duration namespaceTerminationDelay, Duration compactionInterval, int historyRetentionIntervals) {

  public static final int DEFAULT_API_PORT = 6443;

  public ControlConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(apiAddress, "apiAddress");
    Objects.requireNonNull(namespaceTerminationDelay, "namespaceTerminationDelay");
    Objects.requireNonNull(compactionInterval, "compactionInterval");
    if (historyRetentionIntervals < 1) {
      throw new IllegalArgumentException("historyRetentionIntervals: " + historyRetentionIntervals
          + " (expected: >= 1)");
    }
  }

  public static ControlConfig defaults(Path dataDir) {
    return new ControlConfig(dataDir, new InetSocketAddress("127.0.0.1", DEFAULT_API_PORT), false,
        Duration.ofSeconds(3), Duration.ofMinutes(1), 5);
  }

  public ControlConfig withApiAddress(InetSocketAddress address) {
    return new ControlConfig(dataDir, address, insecureHttp, namespaceTerminationDelay, compactionInterval,
        historyRetentionIntervals);
  }

  public ControlConfig withInsecureHttp(boolean insecure) {
    return new ControlConfig(dataDir, apiAddress, insecure, namespaceTerminationDelay, compactionInterval,
        historyRetentionIntervals);
  }

  public ControlConfig withCompaction(Duration interval, int retainIntervals) {
    return new ControlConfig(dataDir, apiAddress, insecureHttp, namespaceTerminationDelay, interval, retainIntervals);
  }
}
