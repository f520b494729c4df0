package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default scheduler: binds pending pods ({@code spec.nodeName} empty, not terminating,
 * {@code spec.schedulerName} empty or {@code default-scheduler}, no scheduling gates) to nodes
 * chosen by {@link SchedulingAlgorithm}, through the {@code pods/binding} write, and records a
 * {@code Scheduled} event. A pod that fits nowhere gets {@code PodScheduled=False},
 * {@code reason: Unschedulable} with kube-scheduler's message and a {@code FailedScheduling}
 * event; it is tried again when the cluster changes in a way that could help (a node added, or
 * its labels, taints, schedulability, capacity or readiness changed; a bound pod deleted,
 * finished, terminating or relabelled) and otherwise after a back-off (1 s doubling to {@link #MAX_BACKOFF}).
 *
 * <p>Concurrency: one worker schedules one pod at a time, so each decision sees the previous
 * ones. A pod just bound is "assumed" on its node until the pod informer shows the binding, as
 * kube-scheduler's cache does, so quick successive decisions never overcommit a node. Informer
 * listeners only enqueue keys and update the concurrent maps.
 *
 * <p>Lifecycle: {@link #start} starts the informers and the worker; {@link #close} stops them.
 */
public final class Scheduler implements AutoCloseable {

  public static final String NAME = "default-scheduler";
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
  private static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  private record Assumed(String uid, String nodeName) {}

  private final ObjectRegistry registry;
  private final Clock clock;
  private final EventRecorder events;
  private final WorkQueue<String> queue = new WorkQueue<>("scheduler");
  private final Map<String, Assumed> assumed = new ConcurrentHashMap<>();
  private final Map<String, Integer> unschedulable = new ConcurrentHashMap<>();
  private Informer nodes;
  private Informer pods;
  private ControllerLoop<String> loop;

  private Scheduler(ObjectRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    this.events = new EventRecorder(registry, clock, NAME);
  }

  /** Starts scheduling; nodes are watched before pods so that the first decisions see them. */
  public static Scheduler start(ObjectRegistry registry, ObjectWatcher watcher, Clock clock) {
    Scheduler scheduler = new Scheduler(Objects.requireNonNull(registry, "registry"),
        Objects.requireNonNull(clock, "clock"));
    Objects.requireNonNull(watcher, "watcher");
    scheduler.nodes = Informer.of(ResourceTypes.NODES).listener(scheduler::onNode).start(watcher);
    scheduler.pods = Informer.of(ResourceTypes.PODS).listener(scheduler::onPod).start(watcher);
    scheduler.loop = ControllerLoop.start("scheduler", scheduler.queue, scheduler::scheduleOne, 1);
    return scheduler;
  }

  /** Whether this scheduler is responsible for the pod and it still needs a node. */
  static boolean pending(JsonNode pod) {
    JsonNode spec = pod.path("spec");
    String schedulerName = spec.path("schedulerName").asText("");
    String phase = pod.path("status").path("phase").asText("");
    return spec.path("nodeName").asText("").isEmpty()
        && !ObjectMeta.isDeleting((ObjectNode) pod)
        && (schedulerName.isEmpty() || schedulerName.equals(NAME))
        && spec.path("schedulingGates").isEmpty()
        && !phase.equals("Succeeded") && !phase.equals("Failed");
  }

  private static boolean terminal(JsonNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  private void onPod(ObjectEvent.Type type, ObjectNode pod, ObjectNode old) {
    String key = Informer.key(pod);
    if (type == ObjectEvent.Type.DELETED) {
      Assumed wasAssumed = assumed.remove(key);
      unschedulable.remove(key);
      events.forget(ObjectMeta.text(pod, "uid"));
      if (wasAssumed != null || !pod.path("spec").path("nodeName").asText("").isEmpty()) {
        retryUnschedulable();
      }
      return;
    }
    if (!pod.path("spec").path("nodeName").asText("").isEmpty()) {
      // the assumption goes when a snapshot reads the binding from the informer (this handler may
      // run before the informer's list has the bound pod; dropping it here let the next pod of the
      // owner land on the same node)
      unschedulable.remove(key);
      if (old != null && spreadChanged(pod, old)) {
        retryUnschedulable();
      }
      return;
    }
    if (pending(pod) && (old == null || !pod.path("spec").equals(old.path("spec"))
        || !pod.path("metadata").path("labels").equals(old.path("metadata").path("labels")))) {
      queue.add(key);
    }
  }

  /** Whether a bound pod's update could let a pod fit that did not: it finished, is going, or was relabelled. */
  private static boolean spreadChanged(ObjectNode pod, ObjectNode old) {
    return terminal(pod) && !terminal(old) || ObjectMeta.isDeleting(pod) && !ObjectMeta.isDeleting(old)
        || !pod.path("metadata").path("labels").equals(old.path("metadata").path("labels"));
  }

  private void onNode(ObjectEvent.Type type, ObjectNode node, ObjectNode old) {
    if (type == ObjectEvent.Type.ADDED || type == ObjectEvent.Type.MODIFIED && schedulingChanged(node, old)) {
      retryUnschedulable();
    }
  }

  /** Whether a node update could make a pod fit that did not (or the reverse). */
  private static boolean schedulingChanged(ObjectNode node, ObjectNode old) {
    if (old == null) {
      return true;
    }
    for (String pointer : List.of("/metadata/labels", "/spec/unschedulable", "/spec/taints",
        "/status/allocatable", "/status/capacity")) {
      if (!node.at(pointer).equals(old.at(pointer))) {
        return true;
      }
    }
    return !NodeInfo.of(node, List.of()).readyStatus().equals(NodeInfo.of(old, List.of()).readyStatus());
  }

  private void retryUnschedulable() {
    for (String key : unschedulable.keySet()) {
      queue.add(key);
    }
  }

  /** Schedules one pod: the reconcile step of the worker. */
  private void scheduleOne(String key) throws ApiException {
    ObjectNode pod = pods.get(key).orElse(null);
    if (pod == null || !pending(pod)) {
      unschedulable.remove(key);
      return;
    }
    Assumed pendingBind = assumed.get(key);
    if (pendingBind != null && pendingBind.uid().equals(ObjectMeta.text(pod, "uid"))) {
      return;
    }
    SchedulingAlgorithm.Decision decision = SchedulingAlgorithm.schedule(pod, snapshot());
    if (decision.scheduled()) {
      bind(key, pod, decision.nodeName());
    } else {
      markUnschedulable(key, pod, decision.error().message());
    }
  }

  /** Every node with the pods on it (bound, or assumed to be), sorted by name. */
  private List<NodeInfo> snapshot() {
    Map<String, List<ObjectNode>> byNode = new HashMap<>();
    for (ObjectNode pod : pods.list()) {
      if (terminal(pod)) {
        continue;
      }
      String nodeName = pod.path("spec").path("nodeName").asText("");
      if (!nodeName.isEmpty()) {
        assumed.remove(Informer.key(pod));
      } else {
        Assumed a = assumed.get(Informer.key(pod));
        if (a == null || !a.uid().equals(ObjectMeta.text(pod, "uid"))) {
          continue;
        }
        nodeName = a.nodeName();
      }
      byNode.computeIfAbsent(nodeName, n -> new ArrayList<>()).add(pod);
    }
    List<NodeInfo> infos = new ArrayList<>();
    for (ObjectNode node : nodes.list()) {
      infos.add(NodeInfo.of(node, byNode.getOrDefault(ObjectMeta.name(node), List.of())));
    }
    infos.sort(Comparator.comparing(NodeInfo::name));
    return infos;
  }

  private void bind(String key, ObjectNode pod, String nodeName) throws ApiException {
    String namespace = ObjectMeta.namespace(pod);
    String name = ObjectMeta.name(pod);
    String uid = ObjectMeta.text(pod, "uid");
    ObjectNode binding = Json.object();
    binding.put("apiVersion", "v1");
    binding.put("kind", "Binding");
    ObjectNode metadata = binding.putObject("metadata");
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    metadata.put("uid", uid);
    ObjectNode target = binding.putObject("target");
    target.put("kind", "Node");
    target.put("name", nodeName);
    assumed.put(key, new Assumed(uid, nodeName));
    try {
      registry.bind(namespace, name, binding);
    } catch (ApiException e) {
      assumed.remove(key);
      if (e.code() == 404 || e.code() == 409) {
        log.debug("not binding {}: {}", key, e.getMessage());
        return;
      }
      throw e;
    }
    unschedulable.remove(key);
    log.info("bound {} to node {}", key, nodeName);
    events.record(pod, "Normal", "Scheduled", "Successfully assigned " + namespace + "/" + name + " to " + nodeName);
  }

  private void markUnschedulable(String key, ObjectNode pod, String message) throws ApiException {
    int attempts = unschedulable.merge(key, 1, Integer::sum);
    if (!PodConditions.setScheduledFalse(registry, pod, message, clock.instant())) {
      unschedulable.remove(key);
      return;
    }
    events.record(pod, "Warning", "FailedScheduling", message);
    long delay = INITIAL_BACKOFF.toMillis() << Math.min(attempts - 1, 16);
    queue.addAfter(key, Duration.ofMillis(Math.min(delay, MAX_BACKOFF.toMillis())));
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    }
    if (pods != null) {
      pods.close();
    }
    if (nodes != null) {
      nodes.close();
    }
  }
}
