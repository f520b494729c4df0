package io.gantry.cli;

import io.gantry.control.server.ControlConfig;
import io.gantry.control.server.ControlServer;
import io.gantry.control.server.tls.Kubeconfig;
import io.gantry.dns.DnsDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gantry up}: the all-in-one local cluster. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Start an all-in-one local cluster and write a kubeconfig for it. Ctrl-C stops it; "
        + "starting again with the same data dir brings its objects back.")
final class UpCommand implements Callable<Integer> {

  @Mixin
  ControlOptions options = new ControlOptions();

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "1",
      description = "Number of nodes (default: ${DEFAULT-VALUE}): node-i runs a node agent and a service proxy "
          + "in-process with address 127.0.0.(10+i) (node-1's proxy also serves ClusterIPs, LoadBalancer IPs "
          + "and 127.0.0.1); 0 runs the control component alone.")
  int nodes;

  @Option(names = "--network", paramLabel = "MODE",
      description = "loopback or host (default: host when root and able to create network namespaces, else "
          + "loopback).")
  String network;

  @Option(names = "--dns-port", paramLabel = "PORT", defaultValue = "1053",
      description = "Port of the in-cluster DNS (UDP and TCP) on the API address; 0 disables it "
          + "(default: ${DEFAULT-VALUE}).")
  int dnsPort;

  @Override
  public Integer call() throws Exception {
    if (nodes < 0 || nodes > 200) {
      System.err.println("--nodes: " + nodes + " (expected: 0-200)");
      return 2;
    }
    NetworkMode mode;
    try {
      mode = network == null ? NetworkMode.detect() : NetworkMode.parse(network);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    ControlConfig config = options.toConfig();
    ControlServer server = ControlServer.start(config);
    Path kubeconfig = server.dataDir().resolve("kubeconfig");
    Kubeconfig.write(kubeconfig, "gantry", server.url(), server.certificates().caCertificatePem(),
        server.token().value());
    var dataPlane = server.dataPlane().server().localAddress();
    LocalNodes agents = LocalNodes.start(server, nodes, config.nodeMonitorGracePeriod());
    var proxies = UpProxies.start(nodes, dataPlane);
    DnsDaemon dns = dnsPort == 0 ? null : InProcessDns.startOrWarn(options.apiHost, dnsPort, dataPlane);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (dns != null) {
        dns.close();
      }
      proxies.forEach(io.gantry.proxy.ProxyDaemon::close);
      agents.close();
      server.close();
      stopped.countDown();
    }, "gantry-shutdown"));
    System.out.printf("""
        Gantry is up (network mode: %s, API: %s, nodes: %d, DNS: %s).
        Kubeconfig: %s

        Try:
          export KUBECONFIG=%s
          kubectl get namespaces
          kubectl create deployment web --image=gantry/echo-http --replicas=2
          kubectl get all

        Ctrl-C stops the cluster; its state stays in %s.
        """, mode.flag(), server.url(), nodes, dns == null ? "off" : dns.address().getHostString() + ":" + dnsPort,
        kubeconfig, kubeconfig, server.dataDir());
    System.out.flush();
    if (!Files.exists(kubeconfig)) {
      return 1;
    }
    stopped.await();
    return 0;
  }
}
