package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.common.text.GoDuration;
import io.gantry.node.logs.ContainerLog;
import io.gantry.node.network.HostPorts;
import io.gantry.node.network.PodDns;
import io.gantry.node.network.PodEtcHosts;
import io.gantry.node.network.PodNetwork;
import io.gantry.node.probe.ProbeRunner;
import io.gantry.node.probe.ProbeSpec;
import io.gantry.node.probe.ProbeWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod on this node: its address, its containers' processes, their probes and lifecycle hooks
 * ({@link LifecycleHook}, {@link ContainerStop}), restarts with back-off, termination, and the
 * status Kubernetes reports for it.
 *
 * <p>Concurrency: every method runs on the pod manager's loop. Slow work (resolving the
 * environment through the API, forking, probing, deleting the pod) runs on virtual threads that
 * post their outcome back to the loop; a container's {@code generation} discards outcomes that
 * arrive for an instance that is gone.
 */
final class PodWorker {

  private static final Logger log = LoggerFactory.getLogger(PodWorker.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private enum State { WAITING, STARTING, RUNNING, TERMINATED }

  /** One container of the pod (an app container or an init container) and its current instance. */
  private final class Container {
    /** The definition the next instance starts with (a pod update may change its image). */
    JsonNode spec;
    final String name;
    final boolean init;
    final boolean sidecar;
    final String defaultWaiting;
    State state = State.WAITING;
    String waitingReason;
    String waitingMessage;
    int generation;
    Process process;
    ContainerLog logFile;
    /** What kubectl attach reaches while the container runs, or null. */
    Attachment attachment;
    Instant startedAt;
    ObjectNode terminated;
    ObjectNode lastTerminated;
    String containerId;
    int restartCount;
    boolean everStarted;
    boolean started;
    boolean ready;
    /** The wait before the next restart but one; {@link #waiting} is the one under way. */
    Duration backoff = Duration.ZERO;
    Duration waiting = Duration.ZERO;
    Instant backoffUntil = Instant.EPOCH;
    Map<String, String> env = Map.of();
    Path workingDir;
    String imageId;
    final List<ProbeWorker> probes = new ArrayList<>();
    /** The readiness probe among {@link #probes}, or null: it keeps running while the pod terminates. */
    ProbeWorker readinessProbe;
    String killReason;
    /** The postStart hook in flight: the container is not running until it succeeds. */
    LifecycleHook.Run postStart;
    /** A stop with the preStop hook in flight ({@link ContainerStop}): no restart until it is over. */
    ContainerStop stop;
    /** Init containers: the sequence moved past it (it completed, or as a sidecar it started). */
    boolean done;
    /** Sidecars: SIGTERM was sent while the pod winds down; it is not restarted. */
    boolean stopSignalled;
    /** Its definition changed while it ran: it is restarted whatever the policy, without back-off. */
    boolean redefined;
    /**
     * A failed liveness or startup probe killed it: restarted unless the policy is Never, whatever
     * its exit code (the kubelet's computePodActions starts it again as it kills it).
     */
    boolean probeKilled;

    Container(JsonNode spec, boolean init, String defaultWaiting) {
      this.spec = spec;
      this.name = spec.path("name").asText();
      this.init = init;
      this.sidecar = init && InitContainers.sidecar(spec);
      this.defaultWaiting = defaultWaiting;
      this.waitingReason = defaultWaiting;
      this.imageId = "gantry://" + spec.path("image").asText("");
    }

    boolean alive() {
      return state == State.STARTING || state == State.RUNNING;
    }
  }

  private final PodManager manager;
  final String uid;
  final String namespace;
  final String name;
  private JsonNode pod;
  private final List<Container> containers = new ArrayList<>();
  private final List<Container> initContainers = new ArrayList<>();
  private final Map<String, String[]> conditions = new HashMap<>();
  private final Path podDir;
  private String podIp;
  private boolean networkPending;
  private String networkError;
  private Instant networkRetryAt = Instant.EPOCH;
  private Instant startTime;
  private boolean terminating;
  private boolean gone;
  private boolean finished;
  private boolean removing;
  private Instant killAt;
  private boolean deadlineExceeded;
  private Instant deadlineCheckAt;
  private boolean initFailed;
  private boolean windingDown;
  private Instant windDownKillAt;

  PodWorker(PodManager manager, JsonNode pod) {
    this.manager = manager;
    this.pod = pod;
    JsonNode meta = pod.path("metadata");
    this.uid = meta.path("uid").asText();
    this.namespace = meta.path("namespace").asText("default");
    this.name = meta.path("name").asText();
    this.podDir = manager.logs().podDir(namespace, name, uid);
    String waiting = InitContainers.defaultWaitingReason(pod.path("spec"));
    for (JsonNode c : pod.path("spec").path("initContainers")) {
      Container container = new Container(c, true, waiting);
      // one that completed stays completed; once an app container ran, none holds the pod back again
      adoptReportedStatus(container, pod.path("status").path("initContainerStatuses"));
      initContainers.add(container);
    }
    for (JsonNode c : pod.path("spec").path("containers")) {
      Container container = new Container(c, false, waiting);
      adoptReportedStatus(container, pod.path("status").path("containerStatuses"));
      containers.add(container);
    }
    JsonNode existing = pod.path("status").path("startTime");
    startTime = existing.isTextual() ? Instant.parse(existing.asText()) : manager.now();
    for (JsonNode c : pod.path("status").path("conditions")) {
      conditions.put(c.path("type").asText(), new String[] {c.path("status").asText(),
          c.path("lastTransitionTime").asText(time(manager.now()))});
    }
  }

  /**
   * A pod this agent already ran before it restarted: its processes were stopped with the agent,
   * so the next start is a restart, and the lost instance is reported as Kubernetes reports a
   * container that could not be located.
   */
  private void adoptReportedStatus(Container c, JsonNode statuses) {
    for (JsonNode status : statuses) {
      if (c.name.equals(status.path("name").asText()) && status.hasNonNull("containerID")) {
        c.everStarted = true;
        c.restartCount = status.path("restartCount").asInt(0);
        c.containerId = status.path("containerID").asText();
        c.state = State.TERMINATED;
        c.terminated = status.path("state").path("terminated").isObject()
            ? ((ObjectNode) status.path("state").path("terminated")).deepCopy()
            : F.objectNode().put("exitCode", 137).put("reason", "ContainerStatusUnknown")
                .put("message", "The container could not be located when the node agent restarted")
                .put("startedAt", status.path("state").path("running").path("startedAt").asText(time(manager.now())))
                .put("finishedAt", time(manager.now()));
      }
    }
  }

  String restartPolicy() {
    return pod.path("spec").path("restartPolicy").asText("Always");
  }

  /** A newer version of the pod object from the API. */
  void update(JsonNode pod) {
    this.pod = pod;
    if (lastStatus != null && drifted(pod.path("status"), lastStatus)) {
      manager.reconcileStatus(this, lastStatus);
    }
    if (!terminating) {
      redefine(pod.path("spec"));
    }
    if (!terminating && pod.path("metadata").hasNonNull("deletionTimestamp")) {
      long grace = pod.path("metadata").path("deletionGracePeriodSeconds")
          .asLong(pod.path("spec").path("terminationGracePeriodSeconds").asLong(30));
      terminate(Duration.ofSeconds(Math.max(0, grace)), "deleted");
    }
    sync();
  }

  /**
   * As the kubelet: a running container whose definition changed (its image, the one field of a
   * container a pod update may change) is killed and started again with the new one.
   */
  private void redefine(JsonNode spec) {
    for (Container c : all()) {
      for (JsonNode next : spec.path(c.init ? "initContainers" : "containers")) {
        if (c.name.equals(next.path("name").asText()) && !next.path("image").equals(c.spec.path("image"))) {
          c.spec = next;
          c.redefined = c.alive() && (!c.init || c.sidecar);
          if (!c.alive()) {
            // the kubelet's back-off is keyed by the image: a new one starts without the wait
            c.backoff = Duration.ZERO;
            c.backoffUntil = manager.now();
          }
        }
      }
    }
  }

  /** The pod disappeared from the API without a graceful deletion we saw: stop it within 2 s. */
  void apiGone() {
    gone = true;
    if (!terminating) {
      terminate(Duration.ofSeconds(2), "removed from the API");
    }
    sync();
  }

  private void terminate(Duration grace, String why) {
    terminating = true;
    killAt = manager.now().plus(grace);
    log.info("pod {}/{}: {}; stopping containers (grace {}s)", namespace, name, why, grace.toSeconds());
    for (Container c : all()) {
      if (c.sidecar) {
        continue; // sidecars stop after the other containers (stopNextSidecar)
      }
      // As the kubelet's prober: liveness and startup probes stop, readiness goes on, so a
      // terminating pod stays Ready while it passes and its endpoint stays serving (the proxy
      // falls back to serving-and-terminating endpoints when no endpoint is ready).
      stopProbesButReadiness(c);
      cancelPostStart(c);
      if (c.process != null && c.process.isAlive() && c.stop == null) {
        c.killReason = null;
        manager.events().record(pod, c.name, "Normal", "Killing", "Stopping container " + c.name);
        stopGracefully(c, grace);
      }
    }
    manager.schedule(this, grace);
  }

  /** Drives every container one step towards what the pod wants, then reports the status. */
  void sync() {
    if (removing) {
      return;
    }
    Instant now = manager.now();
    if (terminating) {
      stopNextSidecar();
      boolean anyAlive = false;
      for (Container c : all()) {
        if (c.process != null && c.process.isAlive()) {
          anyAlive = true;
          if (!now.isBefore(killAt) && c.stop == null) { // a stop with a preStop hook keeps its own time
            signal(c.process, true);
          }
        } else if (c.alive() || c.stop != null) {
          // a fork in flight (wait for it to land, then stop it), or an exit not yet recorded
          anyAlive = true;
        }
      }
      anyAlive |= networkPending; // a set-up in flight: tear down only after it landed
      publish();
      if (!anyAlive) {
        removing = true;
        manager.finishTermination(this, !gone);
      }
      return;
    }
    if (podIp == null) {
      if (!networkPending && manager.networkReady() && !now.isBefore(networkRetryAt)) {
        networkPending = true;
        manager.setUpNetwork(this, new PodNetwork.Pod(uid, namespace, name, PodDns.of(pod.path("spec")),
            PodEtcHosts.of(pod)), HostPorts.Mapping.of(pod));
      }
      publish();
      return;
    }
    windingDown = deadlineExceeded || initFailed
        || containers.stream().allMatch(c -> c.state == State.TERMINATED && !willRestart(c));
    if (!windingDown && ActiveDeadline.exceeded(pod, startTime, now)) {
      exceedDeadline(now); // only while active: a pod that already completed keeps its phase
      windingDown = true;
    }
    if (!windingDown) {
      if (advanceInit(now)) {
        for (Container c : containers) {
          advance(c, now);
        }
      }
      scheduleDeadlineCheck(now);
      windingDown = initFailed;
    }
    if (windingDown) {
      windDown(now);
      if (!finished && all().stream().noneMatch(c -> c.alive() || c.process != null && c.process.isAlive())) {
        finished = true;
        manager.releaseNetwork(this);
      }
    }
    publish();
  }

  /**
   * Runs the init containers one at a time, in order, each to completion (a sidecar only until it
   * started); true once the app containers may start. A failed init container is restarted as the
   * pod's restart policy says; with {@code Never} the pod fails.
   */
  private boolean advanceInit(Instant now) {
    boolean appStarted = containers.stream().anyMatch(c -> c.everStarted);
    for (Container c : initContainers) {
      if (!c.done && (c.sidecar ? c.state == State.RUNNING && c.started
          : c.state == State.TERMINATED && c.terminated.path("exitCode").asInt() == 0)) {
        c.done = true;
      }
      if (c.done || appStarted) {
        if (c.sidecar) {
          advance(c, now); // sidecars keep running, and restarting, beside the app containers
        }
        continue;
      }
      if (c.state == State.TERMINATED && !willRestart(c)) {
        initFailed = true;
        log.info("pod {}/{}: init container {} failed; the pod fails (restartPolicy Never)", namespace, name, c.name);
        return false;
      }
      advance(c, now);
      return false;
    }
    return true;
  }

  /** Starts or restarts one container when it is due (after its back-off), or leaves it as it is. */
  private void advance(Container c, Instant now) {
    if (c.redefined && c.state == State.RUNNING && c.process != null && c.killReason == null && c.stop == null) {
      String changed = "Container " + c.name + " definition changed";
      kill(c, changed, changed + ", will be restarted",
          pod.path("spec").path("terminationGracePeriodSeconds").asLong(30));
      return;
    }
    if (c.alive() || c.stop != null || c.state == State.TERMINATED && !willRestart(c)) {
      return;
    }
    if (c.everStarted || c.waitingReason != null && !c.defaultWaiting.equals(c.waitingReason)) {
      if (now.isBefore(c.backoffUntil)) {
        if ("ErrImagePull".equals(c.waitingReason)) {
          c.waitingReason = "ImagePullBackOff";
          manager.events().record(pod, c.name, "Normal", "BackOff", "Back-off pulling image \"" + image(c) + "\"");
          manager.events().record(pod, c.name, "Warning", "Failed", "Error: ImagePullBackOff");
        }
        if (c.everStarted && c.state == State.TERMINATED) {
          String podRef = name + "_" + namespace + "(" + uid + ")";
          c.waitingReason = "CrashLoopBackOff";
          c.waitingMessage = "back-off " + GoDuration.format(c.waiting.toNanos()) + " restarting failed container="
              + c.name + " pod=" + podRef;
          c.state = State.WAITING;
          manager.events().record(pod, c.name, "Warning", "BackOff",
              "Back-off restarting failed container " + c.name + " in pod " + podRef);
        }
        manager.schedule(this, Duration.between(now, c.backoffUntil));
        return;
      }
    }
    launch(c);
  }

  /** Wakes the pod when its active deadline passes (once per deadline: it may be changed on a live pod). */
  private void scheduleDeadlineCheck(Instant now) {
    Duration left = ActiveDeadline.remaining(pod, startTime, now);
    if (left != null) {
      Instant at = now.plus(left);
      // again when the wake-up came early: the timer runs on nanoTime, the deadline on the wall clock
      if (!at.equals(deadlineCheckAt) || left.compareTo(Duration.ofMillis(100)) < 0) {
        deadlineCheckAt = at;
        manager.schedule(this, left.plusMillis(10));
      }
    }
  }

  /** The pod was active longer than {@code activeDeadlineSeconds}: it fails, and its containers stop. */
  private void exceedDeadline(Instant now) {
    deadlineExceeded = true;
    log.info("pod {}/{}: {}; stopping containers", namespace, name, ActiveDeadline.MESSAGE);
    manager.events().record(pod, null, "Normal", ActiveDeadline.REASON, ActiveDeadline.MESSAGE);
    for (Container c : all()) {
      stopProbes(c);
      c.ready = false;
      if (!c.sidecar && c.process != null && c.process.isAlive() && c.stop == null) {
        c.killReason = null;
        manager.events().record(pod, c.name, "Normal", "Killing", "Stopping container " + c.name);
        stopGracefully(c, podGrace());
      }
    }
  }

  /**
   * The pod runs nothing more (its app containers completed, an init container failed for good, or
   * its deadline passed): sidecars stop, the last one first, and whatever still runs after the
   * pod's termination grace period is killed.
   */
  private void windDown(Instant now) {
    if (windDownKillAt == null) {
      Duration grace = podGrace();
      windDownKillAt = now.plus(grace);
      manager.schedule(this, grace);
    }
    stopNextSidecar();
    if (!now.isBefore(windDownKillAt)) {
      for (Container c : all()) {
        if (c.process != null && c.process.isAlive()) {
          signal(c.process, true);
        }
      }
    }
  }

  /** Sidecars stop once no other container runs, one at a time in reverse order, as the kubelet stops them. */
  private void stopNextSidecar() {
    for (Container c : all()) {
      if (!c.sidecar && c.alive()) {
        return;
      }
    }
    for (int i = initContainers.size() - 1; i >= 0; i--) {
      Container c = initContainers.get(i);
      if (c.sidecar && c.alive()) {
        if (!c.stopSignalled && c.process != null) {
          c.stopSignalled = true;
          stopProbes(c);
          c.ready = false;
          manager.events().record(pod, c.name, "Normal", "Killing", "Stopping container " + c.name);
          Instant until = terminating ? killAt : windDownKillAt;
          Instant now = manager.now();
          stopGracefully(c, until == null || until.isBefore(now) ? Duration.ZERO : Duration.between(now, until));
        }
        return;
      }
    }
  }

  /** The init containers, then the app containers. */
  private List<Container> all() {
    List<Container> all = new ArrayList<>(initContainers);
    all.addAll(containers);
    return all;
  }

  /** The pod's network is up (on the loop). */
  void networkReady(String ip, long millis) {
    networkPending = false;
    networkError = null;
    podIp = ip;
    log.info("pod {}/{}: network ready in {} ms, address {}", namespace, name, millis, ip);
    sync();
  }

  /** A host port could not be opened (on the loop): the pod runs without it, and an event says why. */
  void hostPortFailed(String message) {
    manager.events().record(pod, null, "Warning", "FailedHostPort", message);
  }

  /** Setting the network up failed: report it and try again in 5 s, as the kubelet retries a sandbox. */
  void networkFailed(String message) {
    networkPending = false;
    networkError = message;
    networkRetryAt = manager.now().plusSeconds(5);
    manager.schedule(this, Duration.ofSeconds(5));
    sync();
  }

  private boolean willRestart(Container c) {
    if (deadlineExceeded) {
      return false;
    }
    if (c.redefined) {
      return true;
    }
    if (c.sidecar) {
      return !windingDown && !c.stopSignalled;
    }
    if (c.init) {
      return !"Never".equals(restartPolicy()) && c.terminated != null && c.terminated.path("exitCode").asInt() != 0;
    }
    return switch (restartPolicy()) {
      case "Never" -> false;
      case "OnFailure" -> c.probeKilled || c.terminated == null || c.terminated.path("exitCode").asInt() != 0;
      default -> true;
    };
  }

  private void launch(Container c) {
    int generation = ++c.generation;
    c.redefined = false;
    c.probeKilled = false;
    boolean restart = c.everStarted;
    if (restart) {
      c.restartCount++;
      c.lastTerminated = c.terminated;
    }
    c.state = State.STARTING;
    JsonNode podNow = pod;
    String ip = podIp;
    int restartCount = c.restartCount;
    Thread.ofVirtual().name("start-" + name + "-" + c.name).start(() -> {
      try {
        Launch.Plan plan = Launch.plan(manager.api(), podNow, c.spec, ip, manager.hostIp(), manager.workDir(uid),
            manager.javaLauncher(), (int) ProcessHandle.current().pid());
        Files.createDirectories(plan.workingDir());
        Path logPath = manager.logs().containerFile(podDir, namespace, name, c.name, restartCount);
        ContainerLog logFile = manager.newLog(logPath);
        List<String> argv = new ArrayList<>(manager.commandPrefix(uid));
        argv.addAll(plan.argv());
        ProcessBuilder builder = new ProcessBuilder(argv).directory(plan.workingDir().toFile());
        builder.environment().clear();
        builder.environment().putAll(plan.env());
        String unrunnable = Launch.unrunnable(plan);
        if (unrunnable != null) { // looked at first: in host mode the program is ip's, which would start
          logFile.close();
          manager.post(() -> startFailed(c, generation, plan, unrunnable));
          return;
        }
        Process process;
        Instant launchedAt = Instant.now();
        try {
          process = builder.start();
        } catch (IOException e) {
          logFile.close();
          manager.post(() -> startFailed(c, generation, plan, e.getMessage()));
          return;
        }
        if (!c.spec.path("stdin").asBoolean(false)) {
          process.getOutputStream().close();
        }
        List<Thread> pumps = List.of(logFile.pump(process.getInputStream(), "stdout"),
            logFile.pump(process.getErrorStream(), "stderr"));
        manager.post(() -> started(c, generation, plan, process, logFile, new Exit(launchedAt, pumps)));
      } catch (Launch.LaunchException e) {
        manager.post(() -> configError(c, generation, e.reason, e.getMessage()));
      } catch (IOException | RuntimeException e) {
        manager.post(() -> configError(c, generation, "CreateContainerError", e.toString()));
      }
    });
  }

  private void configError(Container c, int generation, String reason, String message) {
    if (generation != c.generation) {
      return;
    }
    if (c.everStarted) {
      c.restartCount--; // nothing was created: the restart did not happen
      c.terminated = c.lastTerminated;
    }
    c.waitingReason = reason;
    c.waitingMessage = message;
    c.state = State.WAITING;
    bumpBackoff(c);
    // The kubelet's events, which kubectl describe shows (it prints a waiting state's reason only).
    if (reason.equals("ErrImagePull")) {
      manager.events().record(pod, c.name, "Warning", "Failed", "Failed to pull image \"" + image(c) + "\": "
          + message);
    }
    manager.events().record(pod, c.name, "Warning", "Failed", "Error: " + (reason.equals("ErrImagePull")
        ? reason : message));
    log.warn("pod {}/{} container {}: {}: {}", namespace, name, c.name, reason, message);
    sync();
  }

  private static String image(Container c) {
    return c.spec.path("image").asText("");
  }

  private void startFailed(Container c, int generation, Launch.Plan plan, String message) {
    if (generation != c.generation) {
      return;
    }
    Instant now = manager.now();
    c.imageId = plan.imageId();
    c.everStarted = true;
    c.state = State.TERMINATED;
    c.terminated = F.objectNode().put("exitCode", 128).put("reason", "StartError").put("message", message)
        .put("startedAt", time(now)).put("finishedAt", time(now));
    bumpBackoff(c);
    manager.events().record(pod, c.name, "Warning", "Failed", "Error: " + message);
    log.warn("pod {}/{} container {}: cannot start: {}", namespace, name, c.name, message);
    sync();
  }

  /** When a container instance was launched, and the threads copying its output to the log. */
  private record Exit(Instant launchedAt, List<Thread> pumps) {}

  private void started(Container c, int generation, Launch.Plan plan, Process process, ContainerLog logFile,
      Exit exit) {
    if (generation != c.generation || terminating || windingDown) {
      signal(process, true);
      logFile.close();
      if (generation == c.generation) {
        c.state = State.TERMINATED;
        c.terminated = F.objectNode().put("exitCode", 137).put("reason", "Error")
            .put("startedAt", time(manager.now())).put("finishedAt", time(manager.now()));
        sync();
      }
      return;
    }
    c.process = process;
    c.logFile = logFile;
    boolean stdin = c.spec.path("stdin").asBoolean(false);
    c.attachment = new Attachment(logFile, process, exit.pumps(), stdin ? process.getOutputStream() : null,
        stdin && c.spec.path("stdinOnce").asBoolean(false));
    JsonNode postStart = c.spec.path("lifecycle").path("postStart");
    c.state = postStart.isObject() ? State.STARTING : State.RUNNING;
    c.everStarted = true;
    c.waitingReason = null;
    c.waitingMessage = null;
    c.startedAt = manager.now();
    c.containerId = "gantry://" + process.pid();
    c.imageId = plan.imageId();
    c.env = plan.env();
    c.workingDir = plan.workingDir();
    c.ready = false;
    c.killReason = null;
    manager.recordProcess(process);
    manager.logs().running(namespace, name, c.name, true);
    manager.events().record(pod, c.name, "Normal", "Pulled", "Container image \"" + image(c)
        + "\" already present on machine");
    manager.events().record(pod, c.name, "Normal", "Created", "Created container: " + c.name);
    manager.events().record(pod, c.name, "Normal", "Started", "Started container " + c.name);
    log.info("pod {}/{} container {}: started pid {} ({})", namespace, name, c.name, process.pid(),
        c.restartCount == 0 ? "first start" : "restart " + c.restartCount);
    process.onExit().thenRun(() -> Thread.ofVirtual().name("exit-" + name + "-" + c.name).start(() -> {
      String message = terminationMessage(c, process, exit);
      manager.post(() -> exited(c, generation, process, message));
    }));
    if (postStart.isObject()) {
      c.postStart = LifecycleHook.start("post-start-" + name + "-" + c.name, postStart, hookContext(c),
          result -> manager.post(() -> postStartDone(c, generation, result)));
    } else {
      startProbes(c, generation);
    }
    sync();
  }

  private void startProbes(Container c, int generation) {
    JsonNode startup = c.spec.path("startupProbe");
    if (startup.isObject()) {
      c.started = false;
      c.probes.add(probe(c, generation, "startup", startup, null));
    } else {
      c.started = true;
      startMainProbes(c, generation);
    }
  }

  /** The postStart hook returned: the container runs, or, as the kubelet does, it is killed. */
  private void postStartDone(Container c, int generation, LifecycleHook.Result result) {
    if (generation != c.generation || c.postStart == null || terminating) {
      return; // the container stopped or the pod goes: the hook was cancelled
    }
    c.postStart = null;
    if (result.success()) {
      c.state = State.RUNNING;
      startProbes(c, generation);
    } else {
      log.warn("pod {}/{} container {}: {}", namespace, name, c.name, result.failure());
      // the event carries no message, so that secrets in the hook's output do not leak
      manager.events().record(pod, c.name, "Warning", "FailedPostStartHook", "PostStartHook failed");
      manager.events().record(pod, c.name, "Normal", "Killing", "FailedPostStartHook");
      c.killReason = result.failure();
      stop(c, podGrace());
    }
    sync();
  }

  private void cancelPostStart(Container c) {
    if (c.postStart != null) {
      c.postStart.cancel();
      c.postStart = null;
    }
  }

  /** SIGTERM, or first the preStop hook when the container has one, within {@code grace}. */
  private void stopGracefully(Container c, Duration grace) {
    cancelPostStart(c);
    if (hasPreStop(c)) {
      stop(c, grace);
    } else {
      signal(c.process, false);
    }
  }

  private Duration podGrace() {
    return Duration.ofSeconds(Math.max(0, pod.path("spec").path("terminationGracePeriodSeconds").asLong(30)));
  }

  private boolean hasPreStop(Container c) {
    return c.spec.path("lifecycle").path("preStop").isObject();
  }

  /** Stops the container's process through {@link ContainerStop}: the preStop hook, SIGTERM, SIGKILL. */
  private void stop(Container c, Duration grace) {
    JsonNode preStop = c.spec.path("lifecycle").path("preStop");
    JsonNode podNow = pod;
    ContainerStop[] self = new ContainerStop[1];
    self[0] = ContainerStop.start("stop-" + name + "-" + c.name, preStop.isObject() ? preStop : null,
        hookContext(c), c.process, grace, failure -> {
          log.warn("pod {}/{} container {}: PreStop hook failed: {}", namespace, name, c.name, failure);
          manager.events().record(podNow, c.name, "Warning", "FailedPreStopHook", "PreStopHook failed");
        }, () -> manager.post(() -> {
          if (c.stop == self[0]) {
            c.stop = null;
            sync();
          }
        }));
    c.stop = self[0];
  }

  private LifecycleHook.Context hookContext(Container c) {
    return new LifecycleHook.Context(podIp, c.spec.path("ports"), c.env, c.workingDir, manager.commandPrefix(uid),
        "Container \"" + c.name + "\" in Pod \"" + name + "_" + namespace + "(" + uid + ")\"");
  }

  private void startMainProbes(Container c, int generation) {
    JsonNode liveness = c.spec.path("livenessProbe");
    if (liveness.isObject()) {
      c.probes.add(probe(c, generation, "liveness", liveness, Boolean.TRUE));
    }
    JsonNode readiness = c.spec.path("readinessProbe");
    if (readiness.isObject()) {
      c.readinessProbe = probe(c, generation, "readiness", readiness, Boolean.FALSE);
      c.probes.add(c.readinessProbe);
    } else {
      c.ready = true;
    }
  }

  /** What {@code kubectl attach} reaches of a running container, or null when it does not run. Loop only. */
  Attachment attachment(String container) {
    Container c = running(container);
    return c == null ? null : c.attachment;
  }

  /** What {@code kubectl exec} needs of a running container, or null when it does not run. Loop only. */
  ExecTarget execTarget(String container) {
    Container c = running(container);
    return c == null || podIp == null ? null
        : new ExecTarget(uid, podIp, c.env, c.workingDir, c.spec.path("image").asText(""));
  }

  /** The container named {@code container} (null: the first running one) while it runs, or null. */
  private Container running(String container) {
    List<Container> candidates = new ArrayList<>(containers);
    candidates.addAll(initContainers);
    for (Container c : candidates) {
      if (container == null ? c.state == State.RUNNING : c.name.equals(container)) {
        return c.state == State.RUNNING && !terminating ? c : null;
      }
    }
    return null;
  }

  private ProbeWorker probe(Container c, int generation, String kind, JsonNode spec, Boolean initial) {
    ProbeSpec probe = ProbeSpec.parse(Launch.expandExecCommand(spec, c.spec.path("env")));
    String ip = podIp;
    JsonNode ports = c.spec.path("ports");
    ProbeSpec.ExecContext exec = new ProbeSpec.ExecContext(c.env, c.workingDir, manager.commandPrefix(uid));
    return new ProbeWorker(probe, () -> ProbeRunner.run(probe, ip, ports, exec), initial, new ProbeWorker.Listener() {
      @Override
      public void changed(boolean success, String message) {
        manager.post(() -> probed(c, generation, kind, success, message));
      }

      @Override
      public void failed(String message) {
        manager.post(() -> probeFailed(c, generation, kind, message));
      }
    }).start("probe-" + kind + "-" + name + "-" + c.name);
  }

  /** As the kubelet's prober: every failed attempt is an Unhealthy event ({@code Readiness probe failed: ...}). */
  private void probeFailed(Container c, int generation, String kind, String message) {
    if (generation == c.generation && c.state == State.RUNNING) {
      manager.events().record(pod, c.name, "Warning", "Unhealthy",
          Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " probe failed: " + message);
    }
  }

  private void probed(Container c, int generation, String kind, boolean success, String message) {
    if (generation != c.generation || c.state != State.RUNNING || (terminating && !kind.equals("readiness"))) {
      return;
    }
    switch (kind) {
      case "startup" -> {
        if (success) {
          c.started = true;
          stopProbes(c);
          startMainProbes(c, generation);
        } else {
          kill(c, "Startup probe failed: " + message);
        }
      }
      case "liveness" -> {
        if (!success) {
          kill(c, "Liveness probe failed: " + message);
        }
      }
      default -> {
        c.ready = success;
        log.info("pod {}/{} container {}: readiness probe {}{}", namespace, name, c.name,
            success ? "succeeded" : "failed", success ? "" : ": " + message);
      }
    }
    sync();
  }

  /** A failed liveness or startup probe: the container is killed and, as its restart policy says, restarted. */
  private void kill(Container c, String reason) {
    c.probeKilled = true;
    kill(c, reason, "Container " + c.name + " failed " + (reason.startsWith("Startup") ? "startup" : "liveness")
        + " probe, will be restarted", c.spec.path("livenessProbe").path("terminationGracePeriodSeconds")
            .asLong(pod.path("spec").path("terminationGracePeriodSeconds").asLong(30)));
  }

  private void kill(Container c, String reason, String killing, long graceSeconds) {
    log.info("pod {}/{} container {}: {}; restarting", namespace, name, c.name, reason);
    manager.events().record(pod, c.name, "Normal", "Killing", killing);
    c.killReason = reason;
    c.ready = false;
    stopProbes(c);
    Duration grace = Duration.ofSeconds(Math.max(0, graceSeconds));
    if (c.process != null && hasPreStop(c)) {
      stop(c, grace);
    } else if (c.process != null) {
      Process process = c.process;
      int generation = c.generation;
      signal(process, false);
      manager.schedule(() -> {
        if (generation == c.generation && process.isAlive()) {
          signal(process, true);
        }
      }, grace);
    }
  }

  /** Off the loop: waits (boundedly) for the log to hold the process's last output, then reads the message. */
  private String terminationMessage(Container c, Process process, Exit exit) {
    try {
      for (Thread pump : exit.pumps()) {
        pump.join(Duration.ofSeconds(1)); // a child that keeps the pipe open must not hold the status back
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return TerminationMessage.read(c.spec, exit.launchedAt(), process.exitValue(),
        lines -> manager.logs().read(namespace, name, c.name, false, lines, false, null));
  }

  private void exited(Container c, int generation, Process process, String message) {
    manager.forgetProcess(process);
    if (generation != c.generation) {
      return;
    }
    manager.logs().running(namespace, name, c.name, false);
    Instant now = manager.now();
    int exit = process.exitValue();
    stopProbes(c);
    cancelPostStart(c);
    if (c.logFile != null) {
      // the pumps drain what the process wrote; close after they hit EOF
      ContainerLog logFile = c.logFile;
      manager.schedule(logFile::close, Duration.ofSeconds(1));
    }
    c.process = null;
    c.state = State.TERMINATED;
    c.ready = false;
    c.terminated = F.objectNode().put("exitCode", exit).put("reason", exit == 0 ? "Completed" : "Error");
    if (!message.isEmpty()) {
      c.terminated.put("message", message);
    } else if (c.killReason != null) {
      c.terminated.put("message", c.killReason);
    }
    c.terminated.put("startedAt", time(c.startedAt)).put("finishedAt", time(now))
        .put("containerID", c.containerId);
    if (Duration.between(c.startedAt, now).compareTo(manager.config().backoffMax().multipliedBy(2)) > 0) {
      c.backoff = Duration.ZERO; // ran long enough: the back-off starts over, as in the kubelet
    }
    if (c.redefined) {
      c.backoffUntil = now; // not a crash: it starts again at once
    } else {
      bumpBackoff(c);
    }
    log.info("pod {}/{} container {}: exited with {}", namespace, name, c.name, exit);
    sync();
  }

  /** The next restart waits the current back-off; the one after waits twice as long, up to the cap. */
  private void bumpBackoff(Container c) {
    c.backoffUntil = manager.now().plus(c.backoff);
    c.waiting = c.backoff;
    Duration base = manager.config().backoffBase();
    Duration next = c.backoff.isZero() ? base : c.backoff.multipliedBy(2);
    c.backoff = next.compareTo(manager.config().backoffMax()) > 0 ? manager.config().backoffMax() : next;
  }

  private void stopProbes(Container c) {
    c.probes.forEach(ProbeWorker::stop);
    c.probes.clear();
    c.readinessProbe = null;
  }

  private void stopProbesButReadiness(Container c) {
    for (ProbeWorker probe : c.probes) {
      if (probe != c.readinessProbe) {
        probe.stop();
      }
    }
    c.probes.removeIf(probe -> probe != c.readinessProbe);
  }

  /**
   * SIGTERM ({@code force} false) or SIGKILL to a process and everything it started. Through its
   * {@link ProcessHandle}: {@link Process#destroy} would also close our ends of its stdout and
   * stderr, so a process that logs while it shuts down would die of SIGPIPE and lose the lines.
   */
  static void signal(Process process, boolean force) {
    process.descendants().forEach(force ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
    if (force) {
      process.toHandle().destroyForcibly();
    } else {
      process.toHandle().destroy();
    }
  }

  /** Kills every process now (agent shutdown). */
  void killAll() {
    for (Container c : all()) {
      stopProbes(c);
      cancelPostStart(c);
      c.generation++;
      if (c.process != null) {
        signal(c.process, false);
      }
    }
  }

  List<Process> processes() {
    List<Process> list = new ArrayList<>();
    all().stream().filter(c -> c.process != null).forEach(c -> list.add(c.process));
    return list;
  }

  Path podDir() {
    return podDir;
  }

  private JsonNode lastStatus;

  /**
   * Whether the API's status says otherwise than this agent's last one about what the agent owns:
   * the phase, or the status of one of its conditions.
   */
  private static boolean drifted(JsonNode api, JsonNode own) {
    if (!api.path("phase").asText().equals(own.path("phase").asText())) {
      return true;
    }
    for (JsonNode condition : own.path("conditions")) {
      String type = condition.path("type").asText();
      for (JsonNode stored : api.path("conditions")) {
        if (stored.path("type").asText().equals(type)
            && !stored.path("status").asText().equals(condition.path("status").asText())) {
          return true;
        }
      }
    }
    return false;
  }

  private void publish() {
    lastStatus = status();
    manager.offerStatus(this, lastStatus);
  }

  JsonNode lastStatus() {
    return lastStatus;
  }

  ObjectNode status() {
    Instant now = manager.now();
    ObjectNode status = F.objectNode();
    List<Container> mustBeReady = new ArrayList<>(initContainers.stream().filter(c -> c.sidecar).toList());
    mustBeReady.addAll(containers);
    boolean allReady = !containers.isEmpty() && mustBeReady.stream().allMatch(c -> c.ready && c.state == State.RUNNING);
    // a first start whose postStart hook runs is still being created, as the kubelet reports it
    boolean pending = containers.stream().anyMatch(c -> !c.everStarted || c.postStart != null && c.restartCount == 0);
    boolean sidecarRuns = initContainers.stream().anyMatch(c -> c.sidecar && c.alive());
    String phase;
    boolean allStopped = containers.stream().allMatch(c -> c.state == State.TERMINATED);
    if (deadlineExceeded || initFailed) {
      phase = "Failed";
    } else if (terminating && allStopped && !sidecarRuns) {
      // a deleted pod whose containers all stopped is terminal whatever its restart policy, as the
      // kubelet reports it before the pod is removed (Kubernetes 1.27+)
      phase = containers.stream().allMatch(c -> c.terminated.path("exitCode").asInt() == 0) ? "Succeeded" : "Failed";
    } else if (pending) {
      phase = "Pending";
    } else if (containers.stream().allMatch(c -> c.state == State.TERMINATED && !willRestart(c)) && !sidecarRuns) {
      phase = containers.stream().anyMatch(c -> c.terminated.path("exitCode").asInt() != 0) ? "Failed" : "Succeeded";
    } else {
      phase = "Running";
    }
    ArrayNode initStatuses = F.arrayNode();
    initContainers.forEach(c -> initStatuses.add(containerStatus(c)));
    ArrayNode statuses = F.arrayNode();
    containers.forEach(c -> statuses.add(containerStatus(c)));
    status.put("phase", phase);
    ArrayNode conds = status.putArray("conditions");
    condition(conds, "PodReadyToStartContainers", podIp != null && !finished, now);
    InitContainers.Condition initialized = InitContainers.initialized(pod.path("spec"), initStatuses, statuses, phase);
    ObjectNode init = condition(conds, "Initialized", initialized.value(), now);
    if (initialized.reason() != null) {
      init.put("reason", initialized.reason());
    }
    if (initialized.message() != null) {
      init.put("message", initialized.message());
    }
    boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
    String gatesUnready = allReady && !terminal ? ReadinessGates.unready(pod) : "";
    for (String type : new String[] {"Ready", "ContainersReady"}) {
      // A terminating pod keeps its readiness, as with the kubelet ("1/1 Terminating"): the
      // EndpointSlice controller marks its endpoint not ready but serving and terminating.
      boolean gated = type.equals("Ready") && !gatesUnready.isEmpty();
      ObjectNode ready = condition(conds, type, allReady && !terminal && !gated, now);
      if (terminal) {
        // the kubelet's generateContainersReadyConditionForTerminalPhase
        ready.put("reason", phase.equals("Failed") ? "PodFailed" : "PodCompleted");
      } else if (!allReady) {
        List<String> notReady = mustBeReady.stream().filter(x -> !(x.ready && x.state == State.RUNNING))
            .map(x -> x.name).toList();
        ready.put("reason", "ContainersNotReady");
        ready.put("message", "containers with unready status: " + InitContainers.goList(notReady));
      } else if (gated) {
        ready.put("reason", ReadinessGates.REASON);
        ready.put("message", gatesUnready);
      }
    }
    condition(conds, "PodScheduled", true, now);
    if (deadlineExceeded) {
      status.put("reason", ActiveDeadline.REASON).put("message", ActiveDeadline.MESSAGE);
    }
    String hostIp = manager.hostIp();
    status.put("hostIP", hostIp);
    status.putArray("hostIPs").addObject().put("ip", hostIp);
    if (podIp != null) {
      status.put("podIP", podIp);
      status.putArray("podIPs").addObject().put("ip", podIp);
    }
    status.put("startTime", time(startTime));
    if (!initContainers.isEmpty()) {
      status.set("initContainerStatuses", initStatuses);
    }
    status.set("containerStatuses", statuses);
    String qos = pod.path("status").path("qosClass").asText("");
    status.put("qosClass", qos.isEmpty() ? "BestEffort" : qos);
    return status;
  }

  private ObjectNode containerStatus(Container c) {
    ObjectNode cs = F.objectNode();
    cs.put("name", c.name);
    ObjectNode state = cs.putObject("state");
    switch (c.state) {
      case RUNNING -> state.putObject("running").put("startedAt", time(c.startedAt));
      case TERMINATED -> state.set("terminated", c.terminated);
      default -> {
        ObjectNode waiting = state.putObject("waiting");
        waiting.put("reason", c.waitingReason == null ? c.defaultWaiting : c.waitingReason);
        if (c.waitingMessage != null) {
          waiting.put("message", c.waitingMessage);
        } else if (networkError != null && podIp == null) {
          waiting.put("message", "failed to set up the pod network: " + networkError);
        }
      }
    }
    ObjectNode last = cs.putObject("lastState");
    ObjectNode lastTerminated = c.state == State.WAITING && c.everStarted ? c.terminated : c.lastTerminated;
    if (lastTerminated != null) {
      last.set("terminated", lastTerminated);
    }
    // a regular init container is ready once it completed, as the kubelet's prober reports it
    boolean ready = c.init && !c.sidecar
        ? c.state == State.TERMINATED && c.terminated.path("exitCode").asInt() == 0
        : c.ready && c.state == State.RUNNING;
    cs.put("ready", ready);
    cs.put("restartCount", c.restartCount);
    cs.put("image", c.spec.path("image").asText(""));
    cs.put("imageID", c.imageId);
    if (c.containerId != null) {
      cs.put("containerID", c.containerId);
    }
    cs.put("started", c.state == State.RUNNING && c.started);
    return cs;
  }

  /** Adds a condition, keeping its last transition time while its status stays; returns it. */
  private ObjectNode condition(ArrayNode conds, String type, boolean value, Instant now) {
    String text = value ? "True" : "False";
    String[] previous = conditions.get(type);
    if (previous == null || !previous[0].equals(text)) {
      previous = new String[] {text, time(now)};
      conditions.put(type, previous);
    }
    return conds.addObject().put("type", type).put("status", text).putNull("lastProbeTime")
        .put("lastTransitionTime", previous[1]);
  }

  static String time(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
