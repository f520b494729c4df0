package io.gantry.cli.host;

import io.gantry.cli.DaemonJvmOptions;
import io.gantry.cli.ParentWatch;
import io.gantry.node.network.HostPodNetwork;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The daemons of a host-mode local cluster: in each node's namespace, a {@code gantry node}
 * process (the node agent, its pods in namespaces of their own) and a {@code gantry proxy}
 * process (the service proxy, its service addresses on a dummy interface), both from this same
 * jar, logging to {@code <dataDir>/nodes/node-i/{agent,proxy}.log}. The proxies start with the
 * JVM options {@code bin/gantry proxy} gives them, then {@code GANTRY_JAVA_OPTS} ({@link DaemonJvmOptions}).
 */
public final class HostNodes implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final List<Process> processes;
  private final Path dataDir;
  private final AtomicBoolean stopping;

  private HostNodes(List<Process> processes, Path dataDir, AtomicBoolean stopping) {
    this.processes = processes;
    this.dataDir = dataDir;
    this.stopping = stopping;
  }

  /**
   * Starts the daemons of every node of {@code plan}.
   *
   * @param kubeconfig a kubeconfig whose server is reachable from the node namespaces
   * @param dataPlanePort the control component's DataPlane port on the gateway address
   * @param podCidr the cluster's pod CIDR, which the proxies treat as in-cluster clients
   */
  public static HostNodes start(HostPlan plan, Path kubeconfig, int dataPlanePort, Path dataDir, Duration heartbeat,
      String podCidr) throws IOException {
    List<String> gantry = gantryCommand(List.of());
    List<String> gantryProxy = gantryCommand(DaemonJvmOptions.proxy(System.getenv("GANTRY_JAVA_OPTS")));
    // pod namespaces of a run that was killed: their nodes are gone, the agents set them up anew
    removePodNamespaces(dataDir);
    List<Process> processes = new ArrayList<>();
    AtomicBoolean stopping = new AtomicBoolean();
    try {
      for (int i = 1; i <= plan.nodes(); i++) {
        String name = HostPlan.nodeName(i);
        Path dir = dataDir.resolve("nodes").resolve(name);
        Files.createDirectories(dir);
        List<String> agent = new ArrayList<>(gantry);
        agent.addAll(List.of("node", "--kubeconfig", kubeconfig.toString(), "--node-name", name,
            "--network", "host", "--node-address", HostPlan.nodeAddress(i), "--data-dir", dir.toString(),
            "--heartbeat", heartbeat.toString(), "--cluster-dns", HostPlan.CLUSTER_DNS,
            // ip netns exec gives the agent a private mount namespace; pod namespaces belong in this one
            "--netns-mount-namespace", "/proc/" + ProcessHandle.current().pid() + "/ns/mnt"));
        processes.add(launch(HostPlan.namespace(i), agent, dir.resolve("agent.log"), stopping));
        List<String> proxy = new ArrayList<>(gantryProxy);
        proxy.addAll(List.of("proxy", "--control", HostPlan.GATEWAY + ":" + dataPlanePort, "--node", name,
            "--network", "host", "--node-address", HostPlan.nodeAddress(i),
            "--cluster-cidr", podCidr, "--admin-port", "6446"));
        processes.add(launch(HostPlan.namespace(i), proxy, dir.resolve("proxy.log"), stopping));
      }
    } catch (IOException | RuntimeException e) {
      new HostNodes(processes, dataDir, stopping).close();
      throw e;
    }
    return new HostNodes(processes, dataDir, stopping);
  }

  private static Process launch(String netns, List<String> command, Path log, AtomicBoolean stopping)
      throws IOException {
    List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    inNamespace.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(inNamespace).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // its standard input stays a pipe from this process: when this process dies, even by SIGKILL, the
    // daemon sees it end and stops with its pods (ParentWatch)
    builder.environment().put(ParentWatch.ENV, "1");
    Process process = builder.start();
    process.onExit().thenAccept(p -> {
      if (!stopping.get()) {
        System.err.println("gantry " + command.get(command.indexOf("-jar") + 2) + " in " + netns
            + " exited with " + p.exitValue() + "; see " + log);
      }
    });
    return process;
  }

  /**
   * This JVM with {@code jvmOptions} and this jar: {@code ip netns exec} execs it, so each PID held
   * is the daemon's own.
   */
  private static List<String> gantryCommand(List<String> jvmOptions) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElseThrow(() -> new IOException("cannot tell which java runs this process"));
    try {
      Path jar = Path.of(HostNodes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(jar)) {
        throw new IOException("host mode starts node daemons from the gantry jar, but this runs from " + jar
            + " (expected: java -jar gantry.jar, as bin/gantry does)");
      }
      List<String> command = new ArrayList<>(List.of(java));
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", jar.toString()));
      return List.copyOf(command);
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the gantry jar", e);
    }
  }

  /** Deletes the pod namespaces the agents of {@code dataDir}'s nodes recorded (see HostPodNetwork). */
  static void removePodNamespaces(Path dataDir) throws IOException {
    Path nodes = dataDir.resolve("nodes");
    if (!Files.isDirectory(nodes)) {
      return;
    }
    try (Stream<Path> agents = Files.list(nodes)) {
      for (Path agent : agents.filter(Files::isDirectory).toList()) {
        HostPodNetwork.removeRecordedNamespaces(agent);
      }
    }
  }

  /** SIGTERM to every daemon (they stop their pods), SIGKILL after a deadline; then the pods' namespaces go. */
  @Override
  public void close() {
    stopping.set(true);
    processes.forEach(Process::destroy);
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    for (Process process : processes) {
      try {
        if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    try {
      removePodNamespaces(dataDir);
    } catch (IOException e) {
      System.err.println("removing pod network namespaces: " + e.getMessage());
    }
  }
}
