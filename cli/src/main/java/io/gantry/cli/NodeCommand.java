package io.gantry.cli;

import io.gantry.common.admin.AdminServer;
import io.gantry.node.NodeAgent;
import io.gantry.node.NodeAgentConfig;
import io.gantry.node.api.KubeClient;
import io.gantry.node.network.HostNetworkConfig;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gantry node}: the per-node agent, talking to the control component's API. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run a node agent: register the node, heartbeat, and run the pods bound to it as processes "
        + "(in network namespaces of their own in host mode).")
final class NodeCommand implements Callable<Integer> {

  @Option(names = "--kubeconfig", paramLabel = "FILE", required = true,
      description = "Kubeconfig of the cluster (the current context's server, CA and token are used).")
  Path kubeconfig;

  @Option(names = "--node-name", paramLabel = "NAME", description = "The Node's name (default: the host name).")
  String nodeName;

  @Option(names = "--network", paramLabel = "MODE", defaultValue = "loopback",
      description = "loopback (default: pods are processes with 127.244.x.y addresses) or host (root: each pod "
          + "gets a network namespace wired to --bridge by gantry-cni, with the cluster DNS in its resolv.conf).")
  String network;

  @Option(names = "--node-address", paramLabel = "IP", defaultValue = "127.0.0.10",
      description = "The node's InternalIP (loopback mode: an address in 127.0.0.0/8; default: ${DEFAULT-VALUE}).")
  String nodeAddress;

  @Option(names = "--cni-bin", paramLabel = "DIR",
      description = "Host mode: the directory holding the gantry-cni launcher (default: the first of "
          + "$GANTRY_HOME/cni-plugin/target/bin, cni-plugin/target/bin of the checkout the gantry jar was built "
          + "in, and /opt/cni/bin that has one).")
  Path cniBin;

  @Option(names = "--bridge", paramLabel = "NAME", defaultValue = "gantry0",
      description = "Host mode: the node bridge pods attach to, created in the agent's network namespace; one per "
          + "agent (default: ${DEFAULT-VALUE}).")
  String bridge;

  @Option(names = "--cluster-dns", paramLabel = "IP", defaultValue = "10.96.0.10",
      description = "Host mode: the nameserver in pods' resolv.conf (default: ${DEFAULT-VALUE}).")
  String clusterDns;

  @Option(names = "--cluster-domain", paramLabel = "NAME", defaultValue = "cluster.local",
      description = "Host mode: the cluster's DNS domain, for pods' search path (default: ${DEFAULT-VALUE}).")
  String clusterDomain;

  @Option(names = "--netns-mount-namespace", paramLabel = "FILE",
      description = "Host mode: add and delete pod network namespaces in this mount namespace (e.g. "
          + "/proc/PID/ns/mnt), for an agent started under ip netns exec, whose own mount namespace is private "
          + "(gantry up --network host passes its own).")
  Path netnsMountNamespace;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where pod address allocations, process records and logs live (default: ~/.gantry/nodes/NAME).")
  Path dataDir;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "10250",
      description = "The agent's HTTP endpoint (container logs) on the node address; 0 picks a free port "
          + "(default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--heartbeat", paramLabel = "DURATION", defaultValue = "PT10S",
      description = "Lease renewal interval (default: ${DEFAULT-VALUE}).")
  Duration heartbeat;

  @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "10248",
      description = "/metrics, /healthz, /readyz and /status on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks one).")
  int adminPort;

  @Override
  public Integer call() throws Exception {
    NetworkMode mode;
    try {
      mode = NetworkMode.parse(network);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    String name = nodeName != null ? nodeName : InetAddress.getLocalHost().getHostName().toLowerCase();
    Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".gantry", "nodes", name);
    NodeAgentConfig config;
    try {
      NodeAgentConfig.Builder builder = NodeAgentConfig.builder(name, nodeAddress, dir).serverPort(port)
          .heartbeatInterval(heartbeat);
      if (mode == NetworkMode.HOST) {
        HostNetworkConfig host = new HostNetworkConfig(cniBin != null ? cniBin : defaultCniBin(), bridge, clusterDns,
            clusterDomain, netnsMountNamespace);
        List<String> problems = host.problems();
        if (!problems.isEmpty()) {
          problems.forEach(System.err::println);
          return 2;
        }
        builder.hostNetwork(host);
      }
      config = builder.build();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    KubeClient api = KubeClient.fromKubeconfig(kubeconfig);
    NodeAgent agent = NodeAgent.start(config, api);
    AdminServer admin = AdminServer.start(new InetSocketAddress("127.0.0.1", adminPort), agent::metrics,
        agent::ready, agent::status);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      admin.close();
      agent.close();
      api.close();
      stopped.countDown();
    }, "gantry-node-shutdown"));
    ParentWatch.startIfAsked();
    System.out.printf("Node %s is up (network mode %s, address %s, API %s, data %s).%n", name, mode.flag(),
        nodeAddress, api.server(), dir);
    System.out.flush();
    stopped.await();
    return 0;
  }

  /**
   * Where gantry-cni is when {@code --cni-bin} is not given: {@code $GANTRY_HOME}'s build, the build
   * of the checkout this jar comes from ({@code <checkout>/cli/target/gantry.jar}), then the
   * runtimes' usual directory. The last one is the answer when none has the plugin, so that the
   * error names it.
   */
  static Path defaultCniBin() {
    List<Path> candidates = new ArrayList<>();
    String home = System.getenv("GANTRY_HOME");
    if (home != null && !home.isBlank()) {
      candidates.add(Path.of(home, "cni-plugin", "target", "bin"));
    }
    try {
      var source = NodeCommand.class.getProtectionDomain().getCodeSource();
      if (source != null) {
        Path target = Path.of(source.getLocation().toURI()).toAbsolutePath().getParent(); // <checkout>/cli/target
        Path checkout = target == null || target.getParent() == null ? null : target.getParent().getParent();
        if (checkout != null) {
          candidates.add(checkout.resolve("cni-plugin").resolve("target").resolve("bin"));
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // no code source: skip that candidate
    }
    candidates.add(Path.of("/opt/cni/bin"));
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate.resolve(HostNetworkConfig.PLUGIN))) {
        return candidate;
      }
    }
    return candidates.get(candidates.size() - 1);
  }
}
