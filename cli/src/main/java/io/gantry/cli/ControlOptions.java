package io.gantry.cli;

import io.gantry.control.server.ControlConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options every command that runs the control component shares. */
final class ControlOptions {

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the store, certificates, token and kubeconfig live (default: ~/.gantry).")
  Path dataDir;

  @Option(names = "--api-address", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address the API listens on (default: ${DEFAULT-VALUE}).")
  String apiHost;

  @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "6443",
      description = "Port the API listens on (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(names = "--insecure-http",
      description = "Serve the API over plain HTTP without authentication checks by TLS. For debugging only.")
  boolean insecureHttp;

  @Option(names = "--watch-history", paramLabel = "DURATION", defaultValue = "PT5M",
      description = "How far back watches can resume (ISO-8601 duration, default: ${DEFAULT-VALUE}).")
  Duration watchHistory;

  ControlConfig toConfig() {
    Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".gantry");
    Duration interval = watchHistory.compareTo(Duration.ofMinutes(5)) >= 0
        ? Duration.ofMinutes(1)
        : watchHistory.dividedBy(5).isZero() ? Duration.ofSeconds(1) : watchHistory.dividedBy(5);
    int ticks = (int) Math.max(1, watchHistory.toMillis() / interval.toMillis());
    return ControlConfig.defaults(dir.toAbsolutePath())
        .withApiAddress(new InetSocketAddress(apiHost, apiPort))
        .withInsecureHttp(insecureHttp)
        .withCompaction(interval, ticks);
  }
}
