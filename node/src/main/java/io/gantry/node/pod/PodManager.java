package io.gantry.node.pod;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.node.NodeAgentConfig;
import io.gantry.node.api.ApiException;
import io.gantry.node.api.KubeClient;
import io.gantry.node.network.HostPodNetwork;
import io.gantry.node.network.HostPorts;
import io.gantry.node.network.LoopbackPodNetwork;
import io.gantry.node.network.PodNetwork;
import io.gantry.node.logs.ContainerLog;
import io.gantry.node.logs.LogFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pods bound to this node: lists and watches {@code pods?fieldSelector=spec.nodeName=<node>},
 * keeps one {@link PodWorker} per pod UID, gives each pod its network and an address from the
 * node's pod CIDR ({@link PodNetwork}: loopback or host mode), and writes their statuses
 * ({@link StatusWriter}).
 *
 * <p>Concurrency: all pod state lives on one loop thread ({@link #post}, {@link #schedule}); the
 * watch, network set-up and tear-down, process starts, probes and API writes run on virtual
 * threads and post back to it.
 *
 * <p>Lifecycle: {@link #start} kills processes a previous run of the agent left behind (recorded
 * under {@code <dataDir>/processes}) and starts the watch; {@link #close} stops the watch and every
 * pod process (SIGTERM, SIGKILL after 5 s), keeping the pods' networks and addresses for the next
 * run. The first pod list after a start (and every re-list) releases the networks of pods that are
 * no longer bound here.
 */
public final class PodManager implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PodManager.class);

  private final KubeClient api;
  private final PodEvents events;
  private final NodeAgentConfig config;
  private final Clock clock;
  private final ScheduledExecutorService loop;
  private final Map<String, PodWorker> workers = new HashMap<>();
  private final PodNetwork network;
  private final HostPorts hostPorts;
  private final LogFiles logs;
  private final StatusWriter statusWriter;
  private final Path processDir;
  private final List<String> javaLauncher;
  private volatile boolean closed;
  private volatile Stats stats = new Stats(0, 0, 0, 0);
  private volatile KubeClient.Watch watch;
  private Thread watcher;
  private boolean gcPending;
  private Set<String> gcSeen = Set.of();

  public PodManager(KubeClient api, NodeAgentConfig config, Clock clock) throws IOException {
    this.api = requireNonNull(api, "api");
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(clock, "clock");
    this.loop = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("node-" + config.nodeName() + "-pods").daemon().factory());
    this.network = config.hostNetwork() == null ? new LoopbackPodNetwork(config.dataDir().resolve("ipam"))
        : new HostPodNetwork(config.hostNetwork(), config.dataDir());
    this.hostPorts = new HostPorts(config.nodeAddress());
    this.logs = new LogFiles(config.dataDir().resolve("logs"));
    this.processDir = config.dataDir().resolve("processes");
    Files.createDirectories(processDir);
    this.statusWriter = new StatusWriter(api, config.nodeName());
    this.events = new PodEvents(api, config.nodeName(), clock);
    this.javaLauncher = javaLauncher(config.workloadJvmOptions());
  }

  /** {@code java <options> -cp <the gantry jar or this JVM's class path>}: how built-in images run. */
  static List<String> javaLauncher(List<String> options) {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String classpath = System.getProperty("java.class.path");
    try {
      var source = PodManager.class.getProtectionDomain().getCodeSource();
      if (source != null) {
        Path location = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(location)) {
          classpath = location.toString();
        } else if (!classpath.contains(location.toString())) {
          classpath = location + File.pathSeparator + classpath;
        }
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // fall back to the class path
    }
    List<String> launcher = new ArrayList<>();
    launcher.add(java);
    launcher.addAll(options);
    launcher.add("-cp");
    launcher.add(classpath);
    return launcher;
  }

  /**
   * What the agent runs, for {@code /metrics}: published by the loop after every pod step.
   *
   * @param pods              pods this agent runs
   * @param runningContainers containers whose process runs
   * @param readyContainers   running containers that are ready
   * @param restarts          the sum of the pods' container restart counts
   */
  public record Stats(int pods, int runningContainers, int readyContainers, int restarts) {}

  public Stats stats() {
    return stats;
  }

  public LogFiles logs() {
    return logs;
  }

  public void start() {
    killLeftovers();
    watcher = Thread.ofVirtual().name("node-" + config.nodeName() + "-watch").start(this::watchLoop);
  }

  /** The control component allocated the node's pod CIDR: pods waiting for an address can go on. */
  public void podCidrAssigned(String cidr) {
    post(() -> {
      network.setCidr(cidr);
      if (gcPending) {
        collectGarbage();
      }
      new ArrayList<>(workers.values()).forEach(PodWorker::sync);
    });
  }

  private void watchLoop() {
    String selector = "fieldSelector=" + KubeClient.q("spec.nodeName=" + config.nodeName());
    while (!closed) {
      try {
        JsonNode list = api.get("/api/v1/pods?" + selector);
        List<JsonNode> items = new ArrayList<>();
        list.path("items").forEach(items::add);
        post(() -> reconcile(items));
        String[] rv = {list.path("metadata").path("resourceVersion").asText("")};
        while (!closed) {
          api.watch("/api/v1/pods?" + selector + "&resourceVersion=" + rv[0] + "&timeoutSeconds=300",
              w -> watch = w, event -> {
                JsonNode object = event.path("object");
                String newRv = object.path("metadata").path("resourceVersion").asText("");
                if (!newRv.isEmpty()) {
                  rv[0] = newRv;
                }
                String type = event.path("type").asText();
                if ("BOOKMARK".equals(type)) {
                  return;
                }
                post(() -> onEvent(type, object));
              });
        }
      } catch (ApiException e) {
        if (e.code() != 410 && !closed) {
          log.warn("node {}: pod watch failed: {}", config.nodeName(), e.getMessage());
          pause();
        }
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          log.warn("node {}: pod watch failed: {}", config.nodeName(), e.toString());
          pause();
        }
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void reconcile(List<JsonNode> pods) {
    Set<String> seen = new HashSet<>();
    for (JsonNode pod : pods) {
      seen.add(pod.path("metadata").path("uid").asText());
      onEvent("MODIFIED", pod);
    }
    for (PodWorker worker : new ArrayList<>(workers.values())) {
      if (!seen.contains(worker.uid)) {
        worker.apiGone();
      }
    }
    // networks held by pods that no longer exist here (the agent was down when they went)
    gcSeen = seen;
    collectGarbage();
  }

  /** Releases the networks of pods neither listed nor running here; waits for the pod CIDR in host mode. */
  private void collectGarbage() {
    if (!network.ready()) {
      gcPending = true;
      return;
    }
    gcPending = false;
    Set<String> keep = new HashSet<>(gcSeen);
    keep.addAll(workers.keySet());
    Thread.ofVirtual().name("node-" + config.nodeName() + "-network-gc").start(() -> {
      try {
        network.collectGarbage(keep);
      } catch (IOException | RuntimeException e) {
        log.warn("node {}: pod network garbage collection failed: {}", config.nodeName(), e.toString());
      }
    });
  }

  private void onEvent(String type, JsonNode pod) {
    if (closed) {
      return;
    }
    String uid = pod.path("metadata").path("uid").asText();
    if (!config.nodeName().equals(pod.path("spec").path("nodeName").asText())) {
      return;
    }
    PodWorker worker = workers.get(uid);
    if ("DELETED".equals(type)) {
      if (worker != null) {
        worker.apiGone();
      }
      return;
    }
    if (worker == null) {
      String phase = pod.path("status").path("phase").asText("");
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        return; // finished before this agent started: nothing to run
      }
      worker = new PodWorker(this, pod);
      workers.put(uid, worker);
      log.info("node {}: pod {}/{} assigned", config.nodeName(), worker.namespace, worker.name);
    }
    worker.update(pod);
  }

  /** Called by a worker once its processes are gone: free its network, then delete the pod object. */
  void finishTermination(PodWorker worker, boolean deleteObject) {
    Thread.ofVirtual().name("delete-" + worker.name).start(() -> {
      if (deleteObject) {
        // the terminal status first, so that watchers see how the pod ended before it goes
        try {
          statusWriter.writeNow(worker.uid, worker.namespace, worker.name, worker.lastStatus());
        } catch (ApiException e) {
          if (e.code() != 404) {
            log.warn("pod {}/{}: final status write failed: {}", worker.namespace, worker.name, e.getMessage());
          }
        } catch (IOException e) {
          log.warn("pod {}/{}: final status write failed: {}", worker.namespace, worker.name, e.toString());
        }
      }
      // every process of the pod is gone: its network and address go now, before the object, as
      // the kubelet tears the sandbox's network down before it lets the pod be deleted
      tearDownNetwork(worker);
      if (deleteObject) {
        ObjectNode options = JsonNodeFactory.instance.objectNode();
        options.put("apiVersion", "v1").put("kind", "DeleteOptions").put("gracePeriodSeconds", 0);
        options.putObject("preconditions").put("uid", worker.uid);
        try {
          api.delete("/api/v1/namespaces/" + worker.namespace + "/pods/" + worker.name, options);
        } catch (ApiException e) {
          if (e.code() != 404 && e.code() != 409) {
            log.warn("pod {}/{}: delete failed: {}", worker.namespace, worker.name, e.getMessage());
          }
        } catch (IOException e) {
          log.warn("pod {}/{}: delete failed: {}", worker.namespace, worker.name, e.toString());
        }
      }
      post(() -> {
        workers.remove(worker.uid);
        statusWriter.forget(worker.uid);
        logs.forget(worker.namespace, worker.name, worker.podDir());
        LogFiles.deleteTree(workDir(worker.uid));
        log.info("node {}: pod {}/{} removed", config.nodeName(), worker.namespace, worker.name);
      });
    });
  }

  // ---- services for workers (loop thread) ----

  KubeClient api() {
    return api;
  }

  PodEvents events() {
    return events;
  }

  NodeAgentConfig config() {
    return config;
  }

  Instant now() {
    return clock.instant();
  }

  String hostIp() {
    return config.nodeAddress();
  }

  List<String> javaLauncher() {
    return javaLauncher;
  }

  boolean networkReady() {
    return network.ready();
  }

  /**
   * Sets the pod's network up, and its host ports, on a virtual thread; the worker hears of the
   * outcome on the loop.
   */
  void setUpNetwork(PodWorker worker, PodNetwork.Pod pod, List<HostPorts.Mapping> ports) {
    Thread.ofVirtual().name("network-" + worker.name).start(() -> {
      try {
        long start = System.nanoTime();
        String own = network.setUp(pod);
        String ip = own == null ? hostIp() : own; // a hostNetwork pod has the node's address
        if (!pod.hostNetwork()) { // a host-network pod listens on its ports itself
          for (String failure : hostPorts.open(pod.uid(), ip, ports)) {
            log.warn("pod {}/{}: {}", worker.namespace, worker.name, failure);
            post(() -> worker.hostPortFailed(failure));
          }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        post(() -> worker.networkReady(ip, millis));
      } catch (IOException | RuntimeException e) {
        log.warn("pod {}/{}: cannot set up the pod network: {}", worker.namespace, worker.name, e.getMessage());
        post(() -> worker.networkFailed(e.getMessage()));
      }
    });
  }

  /** Tears the pod's network down on a virtual thread (a finished pod keeps no address). */
  void releaseNetwork(PodWorker worker) {
    Thread.ofVirtual().name("network-" + worker.name).start(() -> tearDownNetwork(worker));
  }

  private void tearDownNetwork(PodWorker worker) {
    hostPorts.close(worker.uid);
    try {
      long start = System.nanoTime();
      network.tearDown(worker.uid);
      log.info("pod {}/{}: network removed in {} ms", worker.namespace, worker.name,
          (System.nanoTime() - start) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      log.warn("pod {}/{}: cannot tear the pod network down (garbage collection retries): {}", worker.namespace,
          worker.name, e.getMessage());
    }
  }

  /** How to run a command inside the pod's network ({@link PodNetwork#commandPrefix}). */
  List<String> commandPrefix(String uid) {
    return network.commandPrefix(uid);
  }

  /** The pod network, for running commands in pods (e.g. exec). */
  public PodNetwork network() {
    return network;
  }

  /** A pod's default working directory ({@code <dataDir>/pods/<uid>}), removed with the pod. */
  Path workDir(String uid) {
    return config.dataDir().resolve("pods").resolve(uid);
  }

  ContainerLog newLog(Path file) throws IOException {
    return new ContainerLog(file, config.logMaxBytes(), config.logMaxFiles());
  }

  /** Writes a pod's status again: the API's copy drifted from it ({@link StatusWriter#reconcile}). */
  void reconcileStatus(PodWorker worker, JsonNode status) {
    statusWriter.reconcile(worker.uid, worker.namespace, worker.name, status);
  }

  void offerStatus(PodWorker worker, JsonNode status) {
    statusWriter.offer(worker.uid, worker.namespace, worker.name, status);
    int running = 0;
    int ready = 0;
    int restarts = 0;
    for (PodWorker w : workers.values()) {
      JsonNode s = w == worker ? status : w.lastStatus();
      if (s == null) {
        continue;
      }
      for (JsonNode cs : s.path("containerStatuses")) {
        running += cs.path("state").has("running") ? 1 : 0;
        ready += cs.path("ready").asBoolean() ? 1 : 0;
        restarts += cs.path("restartCount").asInt();
      }
    }
    stats = new Stats(workers.size(), running, ready, restarts);
  }

  /** Why {@link #execTarget} found nothing to run in: the message the kubelet gives. */
  public static final class NoTargetException extends Exception {
    private static final long serialVersionUID = 1L;

    NoTargetException(String message) {
      super(message);
    }
  }

  /**
   * The running container {@code container} of pod {@code namespace/pod} on this node, or with a
   * null {@code container} the pod's first running container (port-forward needs only the pod's
   * address). Call off the loop: waits for it.
   */
  public ExecTarget execTarget(String namespace, String pod, String container) throws NoTargetException {
    return lookUp(namespace, pod, container, worker -> worker.execTarget(container), ExecTarget.class);
  }

  /** The running container {@code container} of pod {@code namespace/pod}, to attach to. Call off the loop. */
  public Attachment attachment(String namespace, String pod, String container) throws NoTargetException {
    return lookUp(namespace, pod, container, worker -> worker.attachment(container), Attachment.class);
  }

  private <T> T lookUp(String namespace, String pod, String container, java.util.function.Function<PodWorker, T> find,
      Class<T> type) throws NoTargetException {
    java.util.concurrent.CompletableFuture<Object> answer = new java.util.concurrent.CompletableFuture<>();
    post(() -> {
      PodWorker worker = workers.values().stream()
          .filter(w -> w.namespace.equals(namespace) && w.name.equals(pod)).findFirst().orElse(null);
      if (worker == null) {
        answer.complete("pod does not exist");
        return;
      }
      T target = find.apply(worker);
      answer.complete(target != null ? target : container == null
          ? "pod " + namespace + "/" + pod + " has no running container"
          : "container not found (\"" + container + "\")");
    });
    Object result;
    try {
      result = answer.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new NoTargetException("the node agent is busy or stopping: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NoTargetException("interrupted");
    }
    if (type.isInstance(result)) {
      return type.cast(result);
    }
    throw new NoTargetException((String) result);
  }

  /** How built-in images run: {@code java <options> -cp <jar>}. */
  public List<String> builtInLauncher() {
    return javaLauncher;
  }

  void post(Runnable task) {
    if (!loop.isShutdown()) {
      try {
        loop.execute(() -> run(task));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  void schedule(PodWorker worker, Duration delay) {
    schedule(worker::sync, delay);
  }

  void schedule(Runnable task, Duration delay) {
    if (!loop.isShutdown()) {
      try {
        loop.schedule(() -> run(task), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  private static void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("pod loop task failed", e);
    }
  }

  /** Process records let the next run of the agent kill what this one leaves behind after a crash. */
  void recordProcess(Process process) {
    String start = process.info().startInstant().map(Instant::toString).orElse("");
    try {
      Files.writeString(processDir.resolve(Long.toString(process.pid())), start, StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.warn("cannot record pid {}: {}", process.pid(), e.toString());
    }
  }

  void forgetProcess(Process process) {
    try {
      Files.deleteIfExists(processDir.resolve(Long.toString(process.pid())));
    } catch (IOException e) {
      // a stale record is checked against the start time before anything is killed
    }
  }

  private void killLeftovers() {
    try (var files = Files.list(processDir)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.matches("\\d+")) {
          String start = Files.readString(file, StandardCharsets.UTF_8).trim();
          ProcessHandle.of(Long.parseLong(name)).filter(p -> p.info().startInstant().map(Instant::toString)
              .orElse("").equals(start) && !start.isEmpty()).ifPresent(p -> {
                log.info("node {}: killing pid {} left by a previous run", config.nodeName(), p.pid());
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
              });
        }
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      log.warn("node {}: cannot read process records: {}", config.nodeName(), e.toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    hostPorts.close();
    KubeClient.Watch w = watch;
    if (w != null) {
      w.close();
    }
    if (watcher != null) {
      watcher.interrupt();
    }
    List<Process> processes = new ArrayList<>();
    try {
      loop.submit(() -> workers.values().forEach(worker -> {
        processes.addAll(worker.processes());
        worker.killAll();
      })).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("node {}: stopping pods: {}", config.nodeName(), e.toString());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (Process p : processes) {
      try {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          PodWorker.signal(p, true);
          p.waitFor(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        PodWorker.signal(p, true);
      }
      forgetProcess(p);
    }
    loop.shutdownNow();
    statusWriter.close();
  }
}
