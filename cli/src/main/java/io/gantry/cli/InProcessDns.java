package io.gantry.cli;

import io.gantry.dns.DnsDaemon;
import io.gantry.dns.DnsDaemonConfig;
import io.gantry.dns.zone.ZoneConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The DNS daemon {@code gantry up} runs in its own process, fed by the in-process control component. */
final class InProcessDns {

  private InProcessDns() {
  }

  /** The daemon, or null (with a warning) when it cannot start, e.g. its port is taken: the cluster runs without. */
  static DnsDaemon startOrWarn(String host, int port, InetSocketAddress dataPlane) {
    try {
      return start(host, port, dataPlane);
    } catch (IOException | RuntimeException e) {
      System.err.println("DNS not started on " + host + ":" + port + " (" + e.getMessage()
          + "); choose another port with --dns-port, or 0 to turn it off");
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static DnsDaemon start(String host, int port, InetSocketAddress dataPlane) throws IOException, InterruptedException {
    InetSocketAddress listen = DnsCommand.address(host + ":" + port, 53, "--dns-port");
    InetSocketAddress control = new InetSocketAddress(listen.getAddress(), dataPlane.getPort());
    return DnsDaemon.start(new DnsDaemonConfig(listen, 1, ZoneConfig.defaults(), null, control, "gantry-up",
        DnsCommand.resolvConf(Path.of("/etc/resolv.conf"), listen), Map.of(), true, true, 10000,
        Duration.ofMillis(800), Duration.ofHours(1), null));
  }
}
