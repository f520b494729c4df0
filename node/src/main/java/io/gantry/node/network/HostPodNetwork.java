package io.gantry.node.network;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host mode: each pod gets a network namespace {@code gp-<12 hex of its UID>} ({@code ip netns
 * add}), wired to the node bridge by {@code gantry-cni} ADD with the node's pod CIDR as the IPAM
 * range, and {@code /etc/netns/<name>/resolv.conf} and {@code hosts} as the kubelet would write them
 * (the cluster DNS with Kubernetes' search path for {@code ClusterFirst}, {@link PodDns}; the pod's
 * own name and its {@code hostAliases}, {@link PodEtcHosts}), which {@code ip netns exec} mounts
 * over {@code /etc/resolv.conf} and {@code /etc/hosts} for the pod's processes. Tear-down runs CNI
 * DEL, then {@code ip netns del}, then removes that directory. A {@code hostNetwork} pod gets no
 * namespace of its own: the agent's is attached under the pod's name, and no CNI call is made.
 *
 * <p>Ownership: before it creates a namespace the agent writes a record {@code <dataDir>/netns/<name>}
 * holding the pod UID, and it removes the record last. Garbage collection only ever touches
 * namespaces with a record, so agents sharing a machine never remove each other's pods. The plugin
 * keeps its allocations under {@code <dataDir>/cni}, also per agent; it creates the bridge in the
 * network namespace the agent runs in and changes no sysctl (forwarding is the caller's business).
 *
 * <p>Concurrency: operations on one pod are serialized (striped locks); garbage collection excludes
 * every other operation, so it never sees half a set-up.
 */
public final class HostPodNetwork implements PodNetwork {

  private static final Logger log = LoggerFactory.getLogger(HostPodNetwork.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "gp-";
  private static final String IFNAME = "eth0";
  private static final String NETWORK = "gantry";
  private static final Duration IP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CNI_TIMEOUT = Duration.ofSeconds(60);
  private static final Path RUN_NETNS = Path.of("/var/run/netns");
  private static final Path ETC_NETNS = Path.of("/etc/netns");
  private static final Path NODE_RESOLV_CONF = Path.of("/etc/resolv.conf");
  private static final Path NODE_HOSTS = Path.of("/etc/hosts");
  /** The second line of a host-network pod's record: its namespace is the agent's own, attached by name. */
  private static final String HOST_NETWORK = "host-network";

  private final HostNetworkConfig config;
  private final Path records;
  private final Path cniData;
  private final Path cidrFile;
  private final String ip;
  private final ReadWriteLock gcLock = new ReentrantReadWriteLock();
  private final ReentrantLock[] stripes = new ReentrantLock[32];
  private volatile String cidr;
  private volatile boolean assigned;

  /** Fails with every problem of {@link HostNetworkConfig#problems} at once. */
  public HostPodNetwork(HostNetworkConfig config, Path dataDir) throws IOException {
    this.config = requireNonNull(config, "config");
    List<String> problems = config.problems();
    if (!problems.isEmpty()) {
      throw new IllegalStateException(String.join("; ", problems));
    }
    this.records = dataDir.resolve("netns");
    this.cniData = dataDir.resolve("cni");
    this.cidrFile = cniData.resolve("pod-cidr");
    this.ip = HostCommand.find("ip");
    Files.createDirectories(records);
    Files.createDirectories(cniData);
    // the CIDR of the previous run lets tear-down and GC run before the Node reports it again
    this.cidr = Files.exists(cidrFile) ? Files.readString(cidrFile, StandardCharsets.UTF_8).strip() : null;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** {@code gp-} and the first 12 hex digits of the pod UID: unique per pod, 15 characters. */
  public static String netnsName(String uid) {
    String hex = uid.replace("-", "").toLowerCase(java.util.Locale.ROOT);
    if (hex.length() < 12 || !hex.substring(0, 12).matches("[0-9a-f]{12}")) {
      throw new IllegalArgumentException("uid: " + uid + " (expected: a UUID)");
    }
    return PREFIX + hex.substring(0, 12);
  }

  @Override
  public String mode() {
    return "host";
  }

  @Override
  public void setCidr(String cidr) {
    requireNonNull(cidr, "cidr");
    if (!cidr.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
      throw new IllegalArgumentException("podCIDR: " + cidr + " (expected: an IPv4 CIDR)");
    }
    this.cidr = cidr;
    this.assigned = true;
    try {
      Files.writeString(cidrFile, cidr + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.warn("cannot record the pod CIDR in {}: {}", cidrFile, e.toString());
    }
  }

  @Override
  public boolean ready() {
    return assigned;
  }

  @Override
  public String setUp(Pod pod) throws IOException {
    if (!assigned) {
      throw new IOException("the node has no pod CIDR yet");
    }
    String name = netnsName(pod.uid());
    gcLock.readLock().lock();
    ReentrantLock lock = stripe(pod.uid());
    lock.lock();
    try {
      if (pod.hostNetwork()) {
        return setUpHostNetwork(name, pod);
      }
      Files.writeString(records.resolve(name), pod.uid() + "\n", StandardCharsets.UTF_8);
      boolean existed = Files.exists(RUN_NETNS.resolve(name));
      if (!existed) {
        HostCommand.check(netnsCommand("add", name), IP_TIMEOUT);
      }
      writeEtc(name, pod);
      // A repeated set-up (agent restart) rebuilds the veth and keeps the address. CNI forbids ADD for
      // an interface that exists, so the attachment is deleted and added again asking for its address
      // (the ips capability).
      String held = existed ? podAddress(name) : null;
      if (held != null) {
        cni("DEL", pod.uid(), name, List.of(), null);
      }
      JsonNode result = cni("ADD", pod.uid(), name, List.of(), held);
      String address = result.path("ips").path(0).path("address").asText("");
      if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
        throw new IOException("gantry-cni ADD returned no IPv4 address: " + result);
      }
      String podIp = address.substring(0, address.indexOf('/'));
      Files.writeString(ETC_NETNS.resolve(name).resolve("hosts"),
          pod.hosts().managed(podIp, pod.namespace(), config.clusterDomain()), StandardCharsets.UTF_8);
      return podIp;
    } finally {
      lock.unlock();
      gcLock.readLock().unlock();
    }
  }

  /**
   * A {@code hostNetwork} pod runs in the agent's own network namespace, named for the pod with
   * {@code ip netns attach} so that {@code ip netns exec} still mounts the pod's resolv.conf over
   * the node's: no CNI, no address of its own (null: the node's).
   */
  private String setUpHostNetwork(String name, Pod pod) throws IOException {
    Files.writeString(records.resolve(name), pod.uid() + "\n" + HOST_NETWORK + "\n", StandardCharsets.UTF_8);
    if (!Files.exists(RUN_NETNS.resolve(name))) {
      HostCommand.check(netnsCommand("attach", name, Long.toString(ProcessHandle.current().pid())), IP_TIMEOUT);
    }
    writeEtc(name, pod);
    Files.writeString(ETC_NETNS.resolve(name).resolve("hosts"), pod.hosts().hostNetwork(nodeFile(NODE_HOSTS)),
        StandardCharsets.UTF_8);
    return null;
  }

  @Override
  public void tearDown(String uid) throws IOException {
    gcLock.readLock().lock();
    try {
      tearDownLocked(uid);
    } finally {
      gcLock.readLock().unlock();
    }
  }

  private void tearDownLocked(String uid) throws IOException {
    String name = netnsName(uid);
    ReentrantLock lock = stripe(uid);
    lock.lock();
    try {
      Path record = records.resolve(name);
      if (!Files.exists(record)) {
        return; // never set up by this agent, or already gone
      }
      if (!Files.readAllLines(record, StandardCharsets.UTF_8).contains(HOST_NETWORK)) {
        if (Files.exists(RUN_NETNS.resolve(name))) {
          killProcesses(netnsCommand("pids", name), name);
        }
        cni("DEL", uid, Files.exists(RUN_NETNS.resolve(name)) ? name : null, List.of(), null);
      }
      if (Files.exists(RUN_NETNS.resolve(name))) { // for a host-network pod only its name goes
        HostCommand.check(netnsCommand("del", name), IP_TIMEOUT);
      }
      deleteTree(ETC_NETNS.resolve(name));
      Files.deleteIfExists(record);
    } finally {
      lock.unlock();
    }
  }

  /**
   * SIGKILL to each process {@code pids} ({@code ip netns pids NAME}) lists: what still runs in a pod's
   * namespace once its containers have stopped (processes started with {@code kubectl exec}, and what
   * they left in the background), as the runtime kills everything in a container's cgroup. Without it
   * they would keep the namespace alive unnamed.
   */
  private static void killProcesses(List<String> pids, String name) throws IOException {
    for (String pid : HostCommand.check(pids, IP_TIMEOUT).stdout().split("\\s+")) {
      if (!pid.isEmpty() && pid.chars().allMatch(Character::isDigit)) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
          log.info("pod namespace {}: killing process {} left behind ({})", name, pid,
              p.info().command().orElse("?"));
          p.destroyForcibly();
        });
      }
    }
  }

  @Override
  public void collectGarbage(Set<String> keep) throws IOException {
    gcLock.writeLock().lock();
    try {
      Set<String> kept = new TreeSet<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(records, PREFIX + "*")) {
        for (Path file : files) {
          String uid = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
          if (keep.contains(uid)) {
            kept.add(uid);
          } else {
            log.info("removing the network of pod {} (netns {}), which is no longer on this node", uid,
                file.getFileName());
            try {
              tearDownLocked(uid);
            } catch (IOException | RuntimeException e) {
              // one broken pod must not keep the others' networks: the next collection retries it
              log.warn("cannot remove netns {}: {}", file.getFileName(), e.getMessage());
            }
          }
        }
      }
      if (cidr != null) {
        // the plugin's GC releases the addresses, and removes the veths, of every other attachment it holds
        cni("GC", null, null, List.copyOf(kept), null);
      }
    } finally {
      gcLock.writeLock().unlock();
    }
  }

  /** {@code ip netns VERB NAME}, in the configured mount namespace when there is one. */
  private List<String> netnsCommand(String verb, String name, String... more) {
    List<String> argv = new ArrayList<>();
    if (config.netnsMountNamespace() != null) {
      argv.addAll(List.of(HostCommand.find("nsenter"), "--mount=" + config.netnsMountNamespace(), "--"));
    }
    argv.addAll(List.of(ip, "netns", verb, name));
    argv.addAll(List.of(more));
    return argv;
  }

  @Override
  public List<String> commandPrefix(String uid) {
    return List.of(ip, "netns", "exec", netnsName(uid));
  }

  /**
   * {@code /etc/netns/<name>/resolv.conf}, which {@code ip netns exec} mounts over the pod's
   * {@code /etc/resolv.conf}: as the kubelet builds it from the pod's DNS policy and
   * {@code dnsConfig} and the node's own resolv.conf ({@link PodDns}).
   */
  private void writeEtc(String name, Pod pod) throws IOException {
    Path dir = ETC_NETNS.resolve(name);
    deleteTree(dir);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("resolv.conf"), pod.dns().resolvConf(pod.namespace(), config.clusterDns(),
        config.clusterDomain(), nodeFile(NODE_RESOLV_CONF)), StandardCharsets.UTF_8);
  }

  /** One of the node's own /etc files; empty when it has none, so that its part is empty. */
  private static String nodeFile(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The IPv4 address (without prefix) of {@code eth0} in the pod's namespace, or null when it has none. */
  private String podAddress(String name) throws IOException {
    List<String> argv = new ArrayList<>();
    if (config.netnsMountNamespace() != null) {
      argv.addAll(List.of(HostCommand.find("nsenter"), "--mount=" + config.netnsMountNamespace(), "--"));
    }
    argv.addAll(List.of(ip, "-n", name, "-4", "-o", "addr", "show", "dev", IFNAME));
    HostCommand.Output out = HostCommand.run(argv, Map.of(), null, IP_TIMEOUT);
    int at = out.stdout().indexOf(" inet ");
    if (out.exit() != 0 || at < 0) {
      return null;
    }
    int start = at + " inet ".length();
    int slash = out.stdout().indexOf('/', start);
    return slash < 0 ? null : out.stdout().substring(start, slash);
  }

  private JsonNode cni(String command, String uid, String netns, List<String> validUids, String requestedIp)
      throws IOException {
    String pluginCidr = cidr;
    if (pluginCidr == null) {
      throw new IOException("the node's pod CIDR is unknown; cannot run gantry-cni " + command);
    }
    ObjectNode conf = JSON.createObjectNode();
    conf.put("cniVersion", "1.1.0").put("name", NETWORK).put("type", HostNetworkConfig.PLUGIN)
        .put("bridge", config.bridge()).put("isGateway", true).put("isDefaultGateway", true);
    ObjectNode ipam = conf.putObject("ipam");
    ipam.putArray("ranges").addArray().addObject().put("subnet", pluginCidr);
    ipam.put("dataDir", cniData.toAbsolutePath().toString());
    if (requestedIp != null) {
      conf.putObject("runtimeConfig").putArray("ips").add(requestedIp);
    }
    if ("GC".equals(command)) {
      ArrayNode valid = conf.putArray("cni.dev/valid-attachments");
      validUids.forEach(u -> valid.addObject().put("containerID", u).put("ifname", IFNAME));
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CNI_COMMAND", command);
    if (uid != null) {
      env.put("CNI_CONTAINERID", uid);
      env.put("CNI_IFNAME", IFNAME);
    }
    if (netns != null) {
      env.put("CNI_NETNS", RUN_NETNS.resolve(netns).toString());
    }
    env.put("CNI_PATH", config.cniBin().toAbsolutePath().toString());
    HostCommand.Output out = HostCommand.run(List.of(config.plugin().toString()), env, JSON.writeValueAsString(conf),
        CNI_TIMEOUT);
    JsonNode answer;
    try {
      answer = out.stdout().isBlank() ? JSON.createObjectNode() : JSON.readTree(out.stdout());
    } catch (IOException e) {
      throw new IOException("gantry-cni " + command + " printed no JSON (exit " + out.exit() + "): "
          + abbreviate(out.stdout() + out.stderr()), e);
    }
    if (out.exit() != 0) {
      throw new IOException("gantry-cni " + command + " failed (code " + answer.path("code").asText("?") + "): "
          + answer.path("msg").asText(abbreviate(out.stdout() + out.stderr()))
          + (answer.hasNonNull("details") && !answer.path("details").asText().equals(answer.path("msg").asText())
              ? " (" + answer.path("details").asText() + ")" : ""));
    }
    return answer;
  }

  private ReentrantLock stripe(String uid) {
    return stripes[Math.floorMod(uid.hashCode(), stripes.length)];
  }

  private static String abbreviate(String text) {
    String stripped = text.strip();
    return stripped.length() > 400 ? stripped.substring(0, 400) + "..." : stripped;
  }

  /**
   * Deletes the network namespace (and {@code /etc/netns} directory) of every pod an agent with
   * {@code dataDir} recorded, keeping the records and address allocations, so that agent's next
   * run sets the same pods up again with the same addresses. Processes still running in them are
   * killed. For a cluster whose nodes are gone with their bridges, where these namespaces would be
   * left unreachable; run in the mount namespace the agent's namespaces were added in.
   */
  public static void removeRecordedNamespaces(Path dataDir) throws IOException {
    Path records = dataDir.resolve("netns");
    if (!Files.isDirectory(records)) {
      return;
    }
    String ip = HostCommand.find("ip");
    try (DirectoryStream<Path> files = Files.newDirectoryStream(records, PREFIX + "*")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (Files.exists(RUN_NETNS.resolve(name))) {
          // what the old run left running there would keep the namespace alive, unnamed, forever
          killProcesses(List.of(ip, "netns", "pids", name), name);
          HostCommand.check(List.of(ip, "netns", "del", name), IP_TIMEOUT);
        }
        deleteTree(ETC_NETNS.resolve(name));
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
