package io.gantry.control.server.controller.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.replicaset.Pods;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one sync of a DaemonSet decides, as upstream's {@code manage}, {@code podsShouldBeOnNode},
 * {@code rollingUpdate} and {@code updateDaemonSetStatus}: pure functions of the DaemonSet, the nodes,
 * its pods by node and the current revision's hash; {@link DaemonSetController} carries them out.
 */
final class DaemonSetSync {

  private DaemonSetSync() {}

  /** Nodes to create a pod on, pods to delete, failed pods found (for events), and when to look again. */
  record Plan(List<String> nodesToCreate, List<ObjectNode> podsToDelete, List<ObjectNode> failedPods,
      Duration requeueAfter) {

    static Plan of(List<String> create, List<ObjectNode> delete) {
      return new Plan(create, delete, List.of(), null);
    }
  }

  /**
   * getNodesToDaemonPods: the claimed pods grouped by the node they are for (spec.nodeName or the node
   * affinity), leaving out pods that are both finished and being deleted, and pods naming no node.
   */
  static Map<String, List<ObjectNode>> podsByNode(Collection<ObjectNode> claimed) {
    Map<String, List<ObjectNode>> byNode = new TreeMap<>();
    for (ObjectNode pod : claimed) {
      if (DaemonPods.isTerminal(pod) && ObjectMeta.isDeleting(pod)) {
        continue;
      }
      Optional<String> node = DaemonPods.targetNode(pod);
      node.ifPresent(n -> byNode.computeIfAbsent(n, k -> new ArrayList<>()).add(pod));
    }
    byNode.values().forEach(pods -> pods.sort(DaemonPods.OLDEST_SCHEDULED_FIRST));
    return byNode;
  }

  /**
   * manage: a pod for every node that should run one and has none; failed pods deleted (each node
   * at the pace of its back-off); all but the oldest running pod deleted on a node (with surge, an old
   * and a new one may share a node until the new one is available); every pod deleted on a node that
   * should no longer run one; unscheduled pods for nodes that do not exist deleted.
   */
  static Plan manage(ObjectNode ds, List<ObjectNode> nodes, Map<String, List<ObjectNode>> byNode, String hash,
      FailedPodBackoff backoff, String dsKey, Instant now) {
    List<String> create = new ArrayList<>();
    List<ObjectNode> delete = new ArrayList<>();
    List<ObjectNode> failed = new ArrayList<>();
    Duration requeue = null;
    boolean surge = surge(ds, 1) > 0;
    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
    for (ObjectNode node : nodes) {
      String name = ObjectMeta.name(node);
      DaemonPods.Placement placement = DaemonPods.placement(ds, node);
      List<ObjectNode> pods = byNode.getOrDefault(name, List.of());
      if (placement.shouldRun() && pods.isEmpty()) {
        create.add(name);
      } else if (placement.shouldContinueRunning()) {
        List<ObjectNode> running = new ArrayList<>();
        for (ObjectNode pod : pods) {
          if (ObjectMeta.isDeleting(pod)) {
            continue;
          }
          String phase = Pods.phase(pod);
          if (phase.equals("Failed")) {
            String key = dsKey + "/" + name;
            if (backoff.inBackoff(key, now)) {
              Duration delay = backoff.delay(key);
              requeue = requeue == null || delay.compareTo(requeue) < 0 ? delay : requeue;
              continue;
            }
            backoff.next(key, now);
            failed.add(pod);
            delete.add(pod);
          } else if (phase.equals("Succeeded")) {
            delete.add(pod);
          } else {
            running.add(pod);
          }
        }
        if (running.size() > 1) {
          delete.addAll(surplus(running, hash, ds, surge, minReady, now));
        }
      } else {
        for (ObjectNode pod : pods) {
          if (!ObjectMeta.isDeleting(pod)) {
            delete.add(pod);
          }
        }
      }
    }
    // getUnscheduledPodsWithoutNode: the pod GC only removes pods bound to missing nodes
    for (Map.Entry<String, List<ObjectNode>> entry : byNode.entrySet()) {
      if (nodes.stream().noneMatch(n -> ObjectMeta.name(n).equals(entry.getKey()))) {
        for (ObjectNode pod : entry.getValue()) {
          if (pod.path("spec").path("nodeName").asText("").isEmpty() && !ObjectMeta.isDeleting(pod)) {
            delete.add(pod);
          }
        }
      }
    }
    return new Plan(create, delete, failed, requeue);
  }

  /** The running pods of one node to delete: all but the oldest, or with surge all but the oldest new and old. */
  private static List<ObjectNode> surplus(List<ObjectNode> running, String hash, ObjectNode ds, boolean surge,
      long minReady, Instant now) {
    List<ObjectNode> delete = new ArrayList<>();
    if (!surge) {
      delete.addAll(running.subList(1, running.size()));
      return delete;
    }
    ObjectNode oldestNew = null;
    ObjectNode oldestOld = null;
    for (ObjectNode pod : running) {
      if (hash.equals(pod.path("metadata").path("labels").path("controller-revision-hash").asText(""))) {
        if (oldestNew == null) {
          oldestNew = pod;
          continue;
        }
      } else if (oldestOld == null) {
        oldestOld = pod;
        continue;
      }
      delete.add(pod);
    }
    if (oldestNew != null && oldestOld != null
        && (!Pods.isReady(oldestOld) || Pods.isAvailable(oldestNew, minReady, now))) {
      delete.add(oldestOld);
    }
    return delete;
  }

  /**
   * rollingUpdate: without surge, old pods are deleted (the next sync creates their replacements) while
   * fewer than {@code maxUnavailable} nodes lack an available pod, unavailable old pods first and at
   * any time; with surge, a new pod is created beside an old one on up to {@code maxSurge} nodes at a
   * time (at once where the old one is unavailable), and the old one goes when the new is available.
   */
  static Plan rollingUpdate(ObjectNode ds, List<ObjectNode> nodes, Map<String, List<ObjectNode>> byNode, String hash,
      Instant now) {
    Map<String, List<ObjectNode>> pods = new TreeMap<>(byNode);
    int desired = 0;
    for (ObjectNode node : nodes) {
      if (DaemonPods.placement(ds, node).shouldRun()) {
        desired++;
        pods.putIfAbsent(ObjectMeta.name(node), List.of());
      }
    }
    int maxUnavailable = unavailable(ds, desired);
    int maxSurge = surge(ds, desired);
    if (desired > 0 && maxUnavailable == 0 && maxSurge == 0) {
      maxUnavailable = 1;
    }
    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
    if (maxSurge == 0) {
      int numUnavailable = 0;
      List<ObjectNode> allowed = new ArrayList<>();
      List<ObjectNode> candidates = new ArrayList<>();
      for (List<ObjectNode> onNode : pods.values()) {
        ObjectNode[] split = split(onNode, hash, ds);
        if (split == null) {
          numUnavailable++;
          continue;
        }
        ObjectNode newPod = split[0];
        ObjectNode oldPod = split[1];
        if ((oldPod == null) == (newPod == null)) {
          numUnavailable++;
        } else if (newPod != null) {
          if (!Pods.isAvailable(newPod, minReady, now)) {
            numUnavailable++;
          }
        } else if (!Pods.isAvailable(oldPod, minReady, now)) {
          allowed.add(oldPod);
        } else if (numUnavailable < maxUnavailable) {
          candidates.add(oldPod);
        }
      }
      int remaining = Math.min(Math.max(maxUnavailable - numUnavailable, 0), candidates.size());
      List<ObjectNode> delete = new ArrayList<>(allowed);
      delete.addAll(candidates.subList(0, remaining));
      return Plan.of(List.of(), delete);
    }
    int numSurge = 0;
    List<ObjectNode> delete = new ArrayList<>();
    List<String> allowedNodes = new ArrayList<>();
    List<String> candidateNodes = new ArrayList<>();
    for (Map.Entry<String, List<ObjectNode>> entry : pods.entrySet()) {
      ObjectNode[] split = split(entry.getValue(), hash, ds);
      if (split == null) {
        numSurge++;
        continue;
      }
      ObjectNode newPod = split[0];
      ObjectNode oldPod = split[1];
      if (oldPod == null) {
        continue;
      }
      if (newPod == null) {
        if (!Pods.isAvailable(oldPod, minReady, now)) {
          Optional<ObjectNode> node = nodes.stream().filter(n -> ObjectMeta.name(n).equals(entry.getKey())).findFirst();
          if (node.isEmpty() || !DaemonPods.placement(ds, node.get()).shouldRun()) {
            delete.add(oldPod);
          } else {
            allowedNodes.add(entry.getKey());
          }
        } else if (numSurge < maxSurge) {
          candidateNodes.add(entry.getKey());
        }
      } else if (!Pods.isAvailable(newPod, minReady, now)) {
        numSurge++;
      } else {
        delete.add(oldPod);
      }
    }
    int remaining = Math.min(Math.max(maxSurge - numSurge, 0), candidateNodes.size());
    List<String> create = new ArrayList<>(allowedNodes);
    create.addAll(candidateNodes.subList(0, remaining));
    return Plan.of(create, delete);
  }

  /** findUpdatedPodsOnNode: {new, old} among the pods not being deleted; null when either is doubled. */
  private static ObjectNode[] split(List<ObjectNode> onNode, String hash, ObjectNode ds) {
    ObjectNode newPod = null;
    ObjectNode oldPod = null;
    for (ObjectNode pod : onNode) {
      if (ObjectMeta.isDeleting(pod)) {
        continue;
      }
      if (DaemonPods.isUpdated(pod, hash, ds)) {
        if (newPod != null) {
          return null;
        }
        newPod = pod;
      } else {
        if (oldPod != null) {
          return null;
        }
        oldPod = pod;
      }
    }
    return new ObjectNode[] {newPod, oldPod};
  }

  /** UnavailableCount: {@code maxUnavailable} scaled to the desired count, rounding up; 0 when not RollingUpdate. */
  static int unavailable(ObjectNode ds, int desired) {
    return scaled(rolling(ds).path("maxUnavailable"), desired);
  }

  /** SurgeCount: {@code maxSurge} scaled to the desired count, rounding up; 0 when not RollingUpdate. */
  static int surge(ObjectNode ds, int desired) {
    return scaled(rolling(ds).path("maxSurge"), desired);
  }

  private static JsonNode rolling(ObjectNode ds) {
    JsonNode strategy = ds.path("spec").path("updateStrategy");
    return "RollingUpdate".equals(strategy.path("type").asText("")) ? strategy.path("rollingUpdate")
        : Json.object();
  }

  /** GetScaledValueFromIntOrPercent with rounding up. */
  private static int scaled(JsonNode value, int total) {
    if (value.isTextual()) {
      String text = value.asText();
      if (!text.endsWith("%")) {
        return 0;
      }
      try {
        long percent = Long.parseLong(text.substring(0, text.length() - 1));
        return (int) Math.ceil(percent * (double) total / 100.0);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return value.asInt(0);
  }

  /**
   * updateDaemonSetStatus: per node that should run the pod, whether it has one (its oldest), ready,
   * available, updated; pods on nodes that should not run one are misscheduled. {@code observe} raises
   * {@code observedGeneration} (not while expectations are pending).
   */
  static ObjectNode status(ObjectNode ds, List<ObjectNode> nodes, Map<String, List<ObjectNode>> byNode, String hash,
      Instant now, boolean observe) {
    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
    int desired = 0;
    int current = 0;
    int misscheduled = 0;
    int ready = 0;
    int available = 0;
    int updated = 0;
    for (ObjectNode node : nodes) {
      List<ObjectNode> pods = byNode.getOrDefault(ObjectMeta.name(node), List.of());
      if (DaemonPods.placement(ds, node).shouldRun()) {
        desired++;
        if (pods.isEmpty()) {
          continue;
        }
        current++;
        ObjectNode pod = pods.get(0);
        if (Pods.isReady(pod)) {
          ready++;
          if (Pods.isAvailable(pod, minReady, now)) {
            available++;
          }
        }
        if (DaemonPods.isUpdated(pod, hash, ds)) {
          updated++;
        }
      } else if (!pods.isEmpty()) {
        misscheduled++;
      }
    }
    ObjectNode old = ds.path("status") instanceof ObjectNode s ? s : Json.object();
    ObjectNode status = Json.object();
    status.put("currentNumberScheduled", current);
    status.put("numberMisscheduled", misscheduled);
    status.put("desiredNumberScheduled", desired);
    status.put("numberReady", ready);
    long observed = observe ? ds.path("metadata").path("generation").asLong(0) : old.path("observedGeneration").asLong(0);
    if (observed > 0) {
      status.put("observedGeneration", observed);
    }
    putIfPositive(status, "updatedNumberScheduled", updated);
    putIfPositive(status, "numberAvailable", available);
    putIfPositive(status, "numberUnavailable", desired - available);
    if (old.has("collisionCount")) {
      status.set("collisionCount", old.get("collisionCount"));
    }
    if (old.has("conditions")) {
      status.set("conditions", old.get("conditions"));
    }
    return status;
  }

  /** The omitempty counts of DaemonSetStatus. */
  private static void putIfPositive(ObjectNode status, String field, int value) {
    if (value != 0) {
      status.put(field, value);
    }
  }

  static String failedPodMessage(ObjectNode pod, String node) {
    return "Found failed daemon pod " + Informer.key(pod) + " on node " + node + ", will try to kill it";
  }
}
