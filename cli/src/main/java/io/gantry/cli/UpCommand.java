package io.gantry.cli;

import io.gantry.control.server.ControlConfig;
import io.gantry.control.server.ControlServer;
import io.gantry.control.server.tls.Kubeconfig;
import io.gantry.cli.host.ClusterDnsService;
import io.gantry.cli.host.HostNetwork;
import io.gantry.cli.host.HostNodes;
import io.gantry.cli.host.HostPlan;
import io.gantry.cli.host.PodRoutes;
import io.gantry.dns.DnsDaemon;
import io.gantry.node.api.KubeClient;
import java.io.IOException;
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
      mode = network != null ? NetworkMode.parse(network) : nodes == 0 ? NetworkMode.LOOPBACK : NetworkMode.detect();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    HostNetwork hostNetwork = null;
    if (mode == NetworkMode.HOST) {
      if (nodes < 1) {
        System.err.println("--nodes: 0 (expected: at least 1 in host mode; use --network loopback for the control"
            + " component alone)");
        return 2;
      }
      String conflict = useHostPlanAddresses();
      if (conflict != null) {
        System.err.println(conflict);
        return 2;
      }
      try {
        hostNetwork = HostNetwork.create(new HostPlan(nodes));
      } catch (IOException e) {
        System.err.println("host network mode: " + e.getMessage()
            + "\n(host mode needs root and iproute2: it creates network namespaces, links and routes; "
            + "--network loopback needs neither)");
        return 1;
      }
    }
    ControlConfig config = options.toConfig();
    ControlServer startedServer = null;
    DnsDaemon startedDns = null;
    AutoCloseable daemons;
    Path kubeconfig;
    try {
      startedServer = ControlServer.start(config);
      kubeconfig = startedServer.dataDir().resolve("kubeconfig");
      Kubeconfig.write(kubeconfig, "gantry", startedServer.url(), startedServer.certificates().caCertificatePem(),
          startedServer.token().value());
      var dataPlane = startedServer.dataPlane().server().localAddress();
      startedDns = dnsPort == 0 ? null : InProcessDns.startOrWarn(options.apiHost, dnsPort, dataPlane);
      daemons = hostNetwork == null
          ? startLoopbackDaemons(startedServer, config, dataPlane)
          : startHostDaemons(hostNetwork.plan(), startedServer, config, kubeconfig, startedDns);
    } catch (Exception e) {
      // nothing started may outlive a failed start: the shutdown hook below is not registered yet
      if (startedDns != null) {
        startedDns.close();
      }
      if (startedServer != null) {
        startedServer.close();
      }
      if (hostNetwork != null) {
        hostNetwork.close();
      }
      throw e;
    }
    ControlServer server = startedServer;
    DnsDaemon dns = startedDns;
    HostNetwork plannedNetwork = hostNetwork;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (dns != null) {
        dns.close();
      }
      try {
        daemons.close();
      } catch (Exception e) {
        System.err.println("stopping the node daemons: " + e);
      }
      server.close();
      if (plannedNetwork != null) {
        plannedNetwork.close();
      }
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

  private AutoCloseable startLoopbackDaemons(ControlServer server, ControlConfig config,
      java.net.InetSocketAddress dataPlane) throws Exception {
    LocalNodes agents = LocalNodes.start(server, nodes, config.nodeMonitorGracePeriod());
    var proxies = UpProxies.start(nodes, dataPlane, options.podCidr);
    return () -> {
      proxies.forEach(io.gantry.proxy.ProxyDaemon::close);
      agents.close();
    };
  }

  /** Host mode: the cluster DNS Service, routes between node pod CIDRs, and node daemons in their namespaces. */
  private AutoCloseable startHostDaemons(HostPlan plan, ControlServer server, ControlConfig config, Path kubeconfig,
      DnsDaemon dns) throws Exception {
    KubeClient api = KubeClient.fromKubeconfig(kubeconfig);
    if (dns != null) {
      ClusterDnsService.ensure(api, HostPlan.GATEWAY, dns.address().getPort());
    }
    PodRoutes routes = PodRoutes.start(plan, api);
    HostNodes daemons = HostNodes.start(plan, kubeconfig, server.dataPlane().server().localAddress().getPort(),
        server.dataDir(), LocalNodes.heartbeat(config.nodeMonitorGracePeriod()), options.podCidr);
    return () -> {
      daemons.close();
      routes.close();
      api.close();
    };
  }

  /**
   * Host mode listens on the underlay gateway (the node namespaces cannot reach the host's
   * loopback) and allocates from the host plan's ranges; flags left at their loopback defaults
   * take the plan's values. Returns an error message when an explicit flag contradicts the plan.
   */
  private String useHostPlanAddresses() {
    if (options.apiHost.equals(ControlOptions.LOOPBACK_API_HOST)) {
      options.apiHost = HostPlan.GATEWAY;
    } else if (!options.apiHost.equals(HostPlan.GATEWAY)) {
      return "--api-address: " + options.apiHost + " (expected: " + HostPlan.GATEWAY
          + " in host mode, where the node namespaces reach the control component)";
    }
    if (options.serviceCidr.equals(ControlOptions.LOOPBACK_SERVICE_CIDR)) {
      options.serviceCidr = HostPlan.SERVICE_CIDR;
    }
    if (options.podCidr.equals(ControlOptions.LOOPBACK_POD_CIDR)) {
      options.podCidr = HostPlan.POD_CIDR;
    }
    if (options.loadBalancerPool.equals(ControlOptions.LOOPBACK_LOAD_BALANCER_POOL)) {
      options.loadBalancerPool = HostPlan.LOAD_BALANCER_POOL;
    }
    return null;
  }
}
