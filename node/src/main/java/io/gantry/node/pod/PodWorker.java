package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.node.logs.ContainerLog;
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
 * One pod on this node: its address, its containers' processes, their probes, restarts with
 * back-off, termination, and the status Kubernetes reports for it.
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

  /** One container of the pod and its current instance. */
  private final class Container {
    final JsonNode spec;
    final String name;
    State state = State.WAITING;
    String waitingReason = "ContainerCreating";
    String waitingMessage;
    int generation;
    Process process;
    ContainerLog logFile;
    Instant startedAt;
    ObjectNode terminated;
    ObjectNode lastTerminated;
    String containerId;
    int restartCount;
    boolean everStarted;
    boolean started;
    boolean ready;
    Duration backoff = Duration.ZERO;
    Instant backoffUntil = Instant.EPOCH;
    Map<String, String> env = Map.of();
    Path workingDir;
    String imageId;
    final List<ProbeWorker> probes = new ArrayList<>();
    /** The readiness probe among {@link #probes}, or null: it keeps running while the pod terminates. */
    ProbeWorker readinessProbe;
    String killReason;

    Container(JsonNode spec) {
      this.spec = spec;
      this.name = spec.path("name").asText();
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

  PodWorker(PodManager manager, JsonNode pod) {
    this.manager = manager;
    this.pod = pod;
    JsonNode meta = pod.path("metadata");
    this.uid = meta.path("uid").asText();
    this.namespace = meta.path("namespace").asText("default");
    this.name = meta.path("name").asText();
    this.podDir = manager.logs().podDir(namespace, name, uid);
    for (JsonNode c : pod.path("spec").path("containers")) {
      Container container = new Container(c);
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
    if (!terminating && pod.path("metadata").hasNonNull("deletionTimestamp")) {
      long grace = pod.path("metadata").path("deletionGracePeriodSeconds")
          .asLong(pod.path("spec").path("terminationGracePeriodSeconds").asLong(30));
      terminate(Duration.ofSeconds(Math.max(0, grace)), "deleted");
    }
    sync();
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
    for (Container c : containers) {
      // As the kubelet's prober: liveness and startup probes stop, readiness goes on, so a
      // terminating pod stays Ready while it passes and its endpoint stays serving (the proxy
      // falls back to serving-and-terminating endpoints when no endpoint is ready).
      stopProbesButReadiness(c);
      if (c.process != null && c.process.isAlive()) {
        c.killReason = null;
        manager.events().record(pod, c.name, "Normal", "Killing", "Stopping container " + c.name);
        signal(c.process, false);
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
      boolean anyAlive = false;
      for (Container c : containers) {
        if (c.process != null && c.process.isAlive()) {
          anyAlive = true;
          if (!now.isBefore(killAt)) {
            signal(c.process, true);
          }
        } else if (c.state == State.STARTING) {
          anyAlive = true; // a fork in flight: wait for it to land, then stop it
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
        manager.setUpNetwork(this, new PodNetwork.Pod(uid, namespace, name,
            pod.path("spec").path("dnsPolicy").asText("ClusterFirst")));
      }
      publish();
      return;
    }
    for (Container c : containers) {
      if (c.alive()) {
        continue;
      }
      if (c.state == State.TERMINATED && !willRestart(c)) {
        continue;
      }
      if (c.everStarted || c.waitingReason != null && !"ContainerCreating".equals(c.waitingReason)) {
        if (now.isBefore(c.backoffUntil)) {
          if ("ErrImagePull".equals(c.waitingReason)) {
            c.waitingReason = "ImagePullBackOff";
          }
          if (c.everStarted && c.state == State.TERMINATED) {
            c.waitingReason = "CrashLoopBackOff";
            c.waitingMessage = "back-off " + c.backoff.toSeconds() + "s restarting failed container=" + c.name
                + " pod=" + name + "_" + namespace + "(" + uid + ")";
            c.state = State.WAITING;
          }
          manager.schedule(this, Duration.between(now, c.backoffUntil));
          continue;
        }
      }
      launch(c);
    }
    if (!finished && containers.stream().allMatch(c -> c.state == State.TERMINATED && !willRestart(c))) {
      finished = true;
      manager.releaseNetwork(this);
    }
    publish();
  }

  /** The pod's network is up (on the loop). */
  void networkReady(String ip, long millis) {
    networkPending = false;
    networkError = null;
    podIp = ip;
    log.info("pod {}/{}: network ready in {} ms, address {}", namespace, name, millis, ip);
    sync();
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
    return switch (restartPolicy()) {
      case "Never" -> false;
      case "OnFailure" -> c.terminated == null || c.terminated.path("exitCode").asInt() != 0;
      default -> true;
    };
  }

  private void launch(Container c) {
    int generation = ++c.generation;
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
        Process process;
        Instant launchedAt = Instant.now();
        try {
          process = builder.start();
        } catch (IOException e) {
          logFile.close();
          manager.post(() -> startFailed(c, generation, plan, e.getMessage()));
          return;
        }
        process.getOutputStream().close();
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
    log.warn("pod {}/{} container {}: {}: {}", namespace, name, c.name, reason, message);
    sync();
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
    if (generation != c.generation || terminating) {
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
    c.state = State.RUNNING;
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
    String image = c.spec.path("image").asText("");
    manager.events().record(pod, c.name, "Normal", "Pulled", "Container image \"" + image + "\" already present on machine");
    manager.events().record(pod, c.name, "Normal", "Created", "Created container: " + c.name);
    manager.events().record(pod, c.name, "Normal", "Started", "Started container " + c.name);
    log.info("pod {}/{} container {}: started pid {} ({})", namespace, name, c.name, process.pid(),
        c.restartCount == 0 ? "first start" : "restart " + c.restartCount);
    process.onExit().thenRun(() -> Thread.ofVirtual().name("exit-" + name + "-" + c.name).start(() -> {
      String message = terminationMessage(c, process, exit);
      manager.post(() -> exited(c, generation, process, message));
    }));
    JsonNode startup = c.spec.path("startupProbe");
    if (startup.isObject()) {
      c.started = false;
      c.probes.add(probe(c, generation, "startup", startup, null));
    } else {
      c.started = true;
      startMainProbes(c, generation);
    }
    sync();
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

  /** What {@code kubectl exec} needs of a running container, or null when it does not run. Loop only. */
  ExecTarget execTarget(String container) {
    for (Container c : containers) {
      if (container == null ? c.state == State.RUNNING : c.name.equals(container)) {
        return c.state == State.RUNNING && podIp != null && !terminating
            ? new ExecTarget(uid, podIp, c.env, c.workingDir, c.spec.path("image").asText(""))
            : null;
      }
    }
    return null;
  }

  private ProbeWorker probe(Container c, int generation, String kind, JsonNode spec, Boolean initial) {
    ProbeSpec probe = ProbeSpec.parse(spec);
    String ip = podIp;
    JsonNode ports = c.spec.path("ports");
    ProbeSpec.ExecContext exec = new ProbeSpec.ExecContext(c.env, c.workingDir, manager.commandPrefix(uid));
    return new ProbeWorker(probe, () -> ProbeRunner.run(probe, ip, ports, exec), initial,
        (success, message) -> manager.post(() -> probed(c, generation, kind, success, message)))
        .start("probe-" + kind + "-" + name + "-" + c.name);
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

  private void kill(Container c, String reason) {
    log.info("pod {}/{} container {}: {}; restarting", namespace, name, c.name, reason);
    manager.events().record(pod, c.name, "Warning", "Unhealthy", reason);
    manager.events().record(pod, c.name, "Normal", "Killing", "Container " + c.name + " failed "
        + (reason.startsWith("Startup") ? "startup" : "liveness") + " probe, will be restarted");
    c.killReason = reason;
    c.ready = false;
    stopProbes(c);
    if (c.process != null) {
      Process process = c.process;
      int generation = c.generation;
      signal(process, false);
      long grace = c.spec.path("livenessProbe").path("terminationGracePeriodSeconds")
          .asLong(pod.path("spec").path("terminationGracePeriodSeconds").asLong(30));
      manager.schedule(() -> {
        if (generation == c.generation && process.isAlive()) {
          signal(process, true);
        }
      }, Duration.ofSeconds(grace));
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
    bumpBackoff(c);
    log.info("pod {}/{} container {}: exited with {}", namespace, name, c.name, exit);
    sync();
  }

  /** The next restart waits the current back-off; the one after waits twice as long, up to the cap. */
  private void bumpBackoff(Container c) {
    c.backoffUntil = manager.now().plus(c.backoff);
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

  /** SIGTERM ({@code force} false) or SIGKILL to a process and everything it started. */
  static void signal(Process process, boolean force) {
    process.descendants().forEach(force ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
    if (force) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
  }

  /** Kills every process now (agent shutdown). */
  void killAll() {
    for (Container c : containers) {
      stopProbes(c);
      c.generation++;
      if (c.process != null) {
        signal(c.process, false);
      }
    }
  }

  List<Process> processes() {
    List<Process> list = new ArrayList<>();
    containers.stream().filter(c -> c.process != null).forEach(c -> list.add(c.process));
    return list;
  }

  Path podDir() {
    return podDir;
  }

  private JsonNode lastStatus;

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
    boolean allReady = !containers.isEmpty() && containers.stream().allMatch(c -> c.ready && c.state == State.RUNNING);
    boolean pending = containers.stream().anyMatch(c -> !c.everStarted);
    String phase;
    if (pending) {
      phase = "Pending";
    } else if (containers.stream().allMatch(c -> c.state == State.TERMINATED && !willRestart(c))) {
      phase = containers.stream().anyMatch(c -> c.terminated.path("exitCode").asInt() != 0) ? "Failed" : "Succeeded";
    } else {
      phase = "Running";
    }
    status.put("phase", phase);
    ArrayNode conds = status.putArray("conditions");
    condition(conds, "PodReadyToStartContainers", podIp != null && !finished, now);
    condition(conds, "Initialized", true, now);
    // A terminating pod keeps its readiness, as with the kubelet ("1/1 Terminating"): the
    // EndpointSlice controller marks its endpoint not ready but serving and terminating.
    condition(conds, "Ready", allReady, now);
    condition(conds, "ContainersReady", allReady, now);
    condition(conds, "PodScheduled", true, now);
    String hostIp = manager.hostIp();
    status.put("hostIP", hostIp);
    status.putArray("hostIPs").addObject().put("ip", hostIp);
    if (podIp != null) {
      status.put("podIP", podIp);
      status.putArray("podIPs").addObject().put("ip", podIp);
    }
    status.put("startTime", time(startTime));
    ArrayNode statuses = status.putArray("containerStatuses");
    for (Container c : containers) {
      ObjectNode cs = statuses.addObject();
      cs.put("name", c.name);
      ObjectNode state = cs.putObject("state");
      switch (c.state) {
        case RUNNING -> state.putObject("running").put("startedAt", time(c.startedAt));
        case TERMINATED -> state.set("terminated", c.terminated);
        default -> {
          ObjectNode waiting = state.putObject("waiting");
          waiting.put("reason", c.waitingReason == null ? "ContainerCreating" : c.waitingReason);
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
      cs.put("ready", c.ready && c.state == State.RUNNING);
      cs.put("restartCount", c.restartCount);
      cs.put("image", c.spec.path("image").asText(""));
      cs.put("imageID", c.imageId);
      if (c.containerId != null) {
        cs.put("containerID", c.containerId);
      }
      cs.put("started", c.state == State.RUNNING && c.started);
    }
    String qos = pod.path("status").path("qosClass").asText("");
    status.put("qosClass", qos.isEmpty() ? "BestEffort" : qos);
    return status;
  }

  private void condition(ArrayNode conds, String type, boolean value, Instant now) {
    String text = value ? "True" : "False";
    String[] previous = conditions.get(type);
    if (previous == null || !previous[0].equals(text)) {
      previous = new String[] {text, time(now)};
      conditions.put(type, previous);
    }
    ObjectNode c = conds.addObject().put("type", type).put("status", text).putNull("lastProbeTime")
        .put("lastTransitionTime", previous[1]);
    if (!value && ("Ready".equals(type) || "ContainersReady".equals(type))) {
      List<String> notReady = containers.stream().filter(x -> !(x.ready && x.state == State.RUNNING))
          .map(x -> x.name).toList();
      c.put("reason", "ContainersNotReady");
      c.put("message", "containers with unready status: " + notReady);
    }
  }

  static String time(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
