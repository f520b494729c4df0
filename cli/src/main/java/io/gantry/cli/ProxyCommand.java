package io.gantry.cli;

import io.gantry.common.transport.Transports;
import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyDaemon;
import io.gantry.proxy.balance.Balancing;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gantry proxy}: the per-node service proxy, alone. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
    description = "Run the service proxy (ClusterIP, NodePort, LoadBalancer and external IPs over TCP and UDP), "
        + "fed by the control component or by a folder of Kubernetes YAML.")
final class ProxyCommand implements Callable<Integer> {

  static final class Source {
    @Option(names = "--control", paramLabel = "HOST:PORT",
        description = "Follow the control component's DataPlane stream at this address (e.g. 127.0.0.1:6444).")
    String control;

    @Option(names = "--manifests", paramLabel = "DIR",
        description = "Serve the Services, EndpointSlices and Nodes in this folder of YAML; reloads on change.")
    Path manifests;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--node", paramLabel = "NAME", defaultValue = "node-1",
      description = "This node's name: decides which endpoints are local (default: ${DEFAULT-VALUE}).")
  String node;

  @Option(names = "--node-address", paramLabel = "IP",
      description = "An address of this node to serve NodePorts on (repeatable; added to the Node's own addresses). "
          + "Host mode without it: every global address of the non-loopback, non-dummy interfaces, and 127.0.0.1, "
          + "followed as addresses come and go.")
  List<String> nodeAddresses = new ArrayList<>();

  @Option(names = "--network", paramLabel = "MODE", defaultValue = "loopback",
      description = "loopback (service addresses are 127.x, already local) or host (needs root: ClusterIPs, "
          + "LoadBalancer IPs and external IPs are added to --service-interface) (default: ${DEFAULT-VALUE}).")
  String network;

  @Option(names = "--service-interface", paramLabel = "NAME", defaultValue = "gantry-svc",
      description = "Host mode: the dummy interface that holds service addresses; created when missing "
          + "(default: ${DEFAULT-VALUE}).")
  String serviceInterface;

  @Option(names = "--cluster-addresses", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Serve ClusterIPs, LoadBalancer IPs and external IPs; --no-cluster-addresses serves NodePorts "
          + "only, for a second proxy beside one that already serves them in the same network namespace.")
  boolean clusterAddresses;

  @Option(names = "--balancing", paramLabel = "ALGO", defaultValue = "random",
      description = "random, round-robin, least-connections or power-of-two (default: ${DEFAULT-VALUE}); "
          + "a service's gantry.io/balancing annotation overrides it.")
  String balancing;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "PT5S",
      description = "Connect timeout to endpoints (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "PT1H",
      description = "Close TCP connections idle this long (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(names = "--udp-idle-timeout", paramLabel = "DURATION", defaultValue = "PT60S",
      description = "Forget UDP flows idle this long (default: ${DEFAULT-VALUE}).")
  Duration udpIdleTimeout;

  @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "PT30S",
      description = "How long connections to removed endpoints or services live on (default: ${DEFAULT-VALUE}).")
  Duration drainTimeout;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "100000",
      description = "The most TCP connections open at once; more are reset (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "Event loop threads (default: one per core).")
  int threads;

  @Option(names = "--cluster-cidr", paramLabel = "CIDR", defaultValue = ProxyConfig.DEFAULT_CLUSTER_CIDR,
      description = "The pod CIDR: clients in it or on this node reaching a LoadBalancer IP or external IP of an "
          + "externalTrafficPolicy: Local service use all endpoints (default: ${DEFAULT-VALUE}).")
  String clusterCidr;

  @Option(names = "--splice", description = "Relay TCP with splice(2) where the kernel allows it.")
  boolean splice;

  @Option(names = "--transport", paramLabel = "NAME",
      description = "Netty transport: io_uring, epoll or nio (default: io_uring where the kernel allows it, "
          + "else epoll, else NIO; measured in bin/bench proxy).")
  String transport;

  @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "6446",
      description = "Admin port (/metrics, /healthz, /livez, /readyz, /status, /proxyMode) on 127.0.0.1; 0 picks a "
          + "free one, -1 none (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Override
  public Integer call() throws Exception {
    ProxyConfig config;
    boolean host;
    try {
      List<InetAddress> addresses = new ArrayList<>();
      for (String a : nodeAddresses) {
        if (!io.gantry.control.api.IpLiterals.isIp(a)) {
          throw new IllegalArgumentException("--node-address: " + a + " (expected: an IP address)");
        }
        addresses.add(InetAddress.getByName(a));
      }
      host = switch (network) {
        case "loopback" -> false;
        case "host" -> true;
        default -> throw new IllegalArgumentException("--network: " + network + " (expected: loopback or host)");
      };
      if (transport != null) {
        // Read when the proxy makes its event loops, so set before anything starts.
        System.setProperty(Transports.PROPERTY, Transports.parse(transport).flag());
      }
      config = ProxyConfig.defaults(node).withBalancing(Balancing.parse(balancing))
          .withTimeouts(connectTimeout, idleTimeout, udpIdleTimeout, drainTimeout)
          .withLimits(maxConnections, 65_536, threads).withSplice(splice).withClusterAddresses(clusterAddresses)
          .withClusterCidr(io.gantry.proxy.table.Cidr.parse(clusterCidr));
      if (host) {
        config = config.withHostNetwork(serviceInterface); // without node addresses: the node's own, followed
      }
      config = config.withNodeAddresses(addresses);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    InetSocketAddress admin = adminPort < 0 ? null : new InetSocketAddress("127.0.0.1", adminPort);
    ProxyDaemon daemon;
    try {
      daemon = source.manifests != null
          ? ProxyDaemon.fromManifests(config, source.manifests, admin)
          : ProxyDaemon.fromControl(config, hostPort(source.control), admin);
    } catch (IllegalStateException e) { // e.g. host mode without root: ip cannot create the service interface
      System.err.println("gantry proxy: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.close();
      stopped.countDown();
    }, "gantry-proxy-shutdown"));
    ParentWatch.startIfAsked();
    System.out.printf("Gantry proxy is up (node %s, %s network, NodePorts on %s%s, %s%s).%n", node, network,
        daemon.proxy().nodeAddresses().stream().map(InetAddress::getHostAddress).toList(),
        host && nodeAddresses.isEmpty() ? " (followed)" : "",
        source.manifests != null ? "manifests " + source.manifests : "control " + source.control,
        daemon.adminAddress() == null ? "" : ", admin http://127.0.0.1:" + daemon.adminAddress().getPort());
    System.out.flush();
    stopped.await();
    return 0;
  }

  static InetSocketAddress hostPort(String value) {
    int colon = value.lastIndexOf(':');
    try {
      if (colon <= 0) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--control: " + value + " (expected: HOST:PORT)");
    }
  }
}
