package io.gantry.cli;

import io.gantry.common.admin.AdminServer;
import io.gantry.node.NodeAgent;
import io.gantry.node.NodeAgentConfig;
import io.gantry.node.api.KubeClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gantry node}: the per-node agent, talking to the control component's API. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run a node agent: register the node, heartbeat, and run the pods bound to it as processes.")
final class NodeCommand implements Callable<Integer> {

  @Option(names = "--kubeconfig", paramLabel = "FILE", required = true,
      description = "Kubeconfig of the cluster (the current context's server, CA and token are used).")
  Path kubeconfig;

  @Option(names = "--node-name", paramLabel = "NAME", description = "The Node's name (default: the host name).")
  String nodeName;

  @Option(names = "--network", paramLabel = "MODE", defaultValue = "loopback",
      description = "loopback (default; pods get 127.244.x.y addresses). host mode arrives with the CNI plugin.")
  String network;

  @Option(names = "--node-address", paramLabel = "IP", defaultValue = "127.0.0.10",
      description = "The node's InternalIP (loopback mode: an address in 127.0.0.0/8; default: ${DEFAULT-VALUE}).")
  String nodeAddress;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where pod address allocations, process records and logs live (default: ~/.gantry/nodes/NAME).")
  Path dataDir;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "10250",
      description = "The agent's HTTP endpoint (container logs) on the node address; 0 picks a free port "
          + "(default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--heartbeat", paramLabel = "DURATION", defaultValue = "PT10S",
      description = "Lease renewal interval, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration heartbeat;

  @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "10248",
      description = "/metrics, /healthz, /readyz and /status on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks one).")
  int adminPort;

  @Override
  public Integer call() throws Exception {
    if (NetworkMode.parse(network) != NetworkMode.LOOPBACK) {
      System.err.println("--network: " + network + " (expected: loopback; host mode needs the CNI plugin)");
      return 2;
    }
    String name = nodeName != null ? nodeName : InetAddress.getLocalHost().getHostName().toLowerCase();
    Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".gantry", "nodes", name);
    NodeAgentConfig config;
    try {
      config = NodeAgentConfig.builder(name, nodeAddress, dir).serverPort(port).heartbeatInterval(heartbeat).build();
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
    System.out.printf("Node %s is up (address %s, API %s, data %s).%n", name, nodeAddress, api.server(), dir);
    System.out.flush();
    stopped.await();
    return 0;
  }
}
