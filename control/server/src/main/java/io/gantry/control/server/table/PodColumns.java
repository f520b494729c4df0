package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pods, after {@code printPod}: readiness, the aggregate status (init progress, container waiting and
 * terminated reasons, {@code Terminating}), restarts with the time of the last one, and the wide
 * columns IP, node, nominated node and readiness gates.
 */
final class PodColumns implements ColumnSet {

  static final PodColumns INSTANCE = new PodColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
      Column.string("Status", "The aggregate status of the containers in this pod."),
      Column.string("Restarts", "The number of times the containers in this pod have been restarted and when the"
          + " last container in this pod has restarted."),
      Column.ageColumn(),
      Column.wide("IP", "podIP address allocated to the pod. Routable at least within the cluster."
          + " Empty if not yet allocated."),
      Column.wide("Node", "NodeName indicates in which node this pod is scheduled."),
      Column.wide("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node,"
          + " but it cannot be scheduled right away as preemption victims receive their graceful termination"
          + " periods."),
      Column.wide("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness."));

  private static final List<RowCondition> SUCCEEDED =
      List.of(new RowCondition("Completed", "True", "Succeeded", "The pod has completed successfully."));
  private static final List<RowCondition> FAILED =
      List.of(new RowCondition("Completed", "True", "Failed", "The pod failed."));

  private PodColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<RowCondition> conditions(ObjectNode pod) {
    return switch (Fields.text(pod, "status", "phase")) {
      case "Succeeded" -> SUCCEEDED;
      case "Failed" -> FAILED;
      default -> List.of();
    };
  }

  @Override
  public List<Object> cells(ObjectNode pod, Instant now) {
    JsonNode spec = pod.path("spec");
    JsonNode status = pod.path("status");
    String phase = Fields.text(status, "phase");

    int restarts = 0;
    int restartableInitRestarts = 0;
    int totalContainers = Fields.items(spec, "containers").size();
    int readyContainers = 0;
    Instant lastRestart = null;
    Instant lastRestartableInitRestart = null;

    // kube-apiserver creates every pod in phase Pending; a stored pod without a phase reads the same.
    String reason = phase.isEmpty() ? "Pending" : phase;
    if (!Fields.text(status, "reason").isEmpty()) {
      reason = Fields.text(status, "reason");
    }
    for (JsonNode condition : Fields.items(status, "conditions")) {
      if ("PodScheduled".equals(Fields.text(condition, "type"))
          && "SchedulingGated".equals(Fields.text(condition, "reason"))) {
        reason = "SchedulingGated";
      }
    }

    List<JsonNode> initContainers = Fields.items(spec, "initContainers");
    Set<String> restartableInit = new HashSet<>();
    for (JsonNode c : initContainers) {
      if ("Always".equals(Fields.text(c, "restartPolicy"))) {
        restartableInit.add(Fields.text(c, "name"));
        totalContainers++;
      }
    }

    boolean initializing = false;
    List<JsonNode> initStatuses = Fields.items(status, "initContainerStatuses");
    for (int i = 0; i < initStatuses.size(); i++) {
      JsonNode container = initStatuses.get(i);
      boolean restartable = restartableInit.contains(Fields.text(container, "name"));
      int count = (int) Fields.integer(container, "restartCount");
      Instant finished = Fields.time(container, "lastState", "terminated", "finishedAt");
      restarts += count;
      lastRestart = later(lastRestart, finished);
      if (restartable) {
        restartableInitRestarts += count;
        lastRestartableInitRestart = later(lastRestartableInitRestart, finished);
      }
      JsonNode state = container.path("state");
      if (Fields.present(state, "terminated") && Fields.integer(state, "terminated", "exitCode") == 0) {
        continue;
      }
      if (restartable && Fields.bool(container, "started")) {
        if (Fields.bool(container, "ready")) {
          readyContainers++;
        }
        continue;
      }
      if (Fields.present(state, "terminated")) {
        String terminatedReason = Fields.text(state, "terminated", "reason");
        if (terminatedReason.isEmpty()) {
          long signal = Fields.integer(state, "terminated", "signal");
          reason = signal != 0
              ? "Init:Signal:" + signal
              : "Init:ExitCode:" + Fields.integer(state, "terminated", "exitCode");
        } else {
          reason = "Init:" + terminatedReason;
        }
      } else if (Fields.present(state, "waiting") && !Fields.text(state, "waiting", "reason").isEmpty()
          && !"PodInitializing".equals(Fields.text(state, "waiting", "reason"))) {
        reason = "Init:" + Fields.text(state, "waiting", "reason");
      } else {
        reason = "Init:" + i + "/" + initContainers.size();
      }
      initializing = true;
      break;
    }

    if (!initializing || hasCondition(status, "Initialized")) {
      restarts = restartableInitRestarts;
      lastRestart = lastRestartableInitRestart;
      boolean hasRunning = false;
      List<JsonNode> statuses = Fields.items(status, "containerStatuses");
      for (int i = statuses.size() - 1; i >= 0; i--) {
        JsonNode container = statuses.get(i);
        JsonNode state = container.path("state");
        restarts += (int) Fields.integer(container, "restartCount");
        lastRestart = later(lastRestart, Fields.time(container, "lastState", "terminated", "finishedAt"));
        if (Fields.present(state, "waiting") && !Fields.text(state, "waiting", "reason").isEmpty()) {
          reason = Fields.text(state, "waiting", "reason");
        } else if (Fields.present(state, "terminated") && !Fields.text(state, "terminated", "reason").isEmpty()) {
          reason = Fields.text(state, "terminated", "reason");
        } else if (Fields.present(state, "terminated")) {
          long signal = Fields.integer(state, "terminated", "signal");
          reason = signal != 0
              ? "Signal:" + signal
              : "ExitCode:" + Fields.integer(state, "terminated", "exitCode");
        } else if (Fields.bool(container, "ready") && Fields.present(state, "running")) {
          hasRunning = true;
          readyContainers++;
        }
      }
      // A pod whose last-listed container completed but another still runs is not "Completed".
      if ("Completed".equals(reason) && hasRunning) {
        reason = hasCondition(status, "Ready") ? "Running" : "NotReady";
      }
    }

    boolean deleting = !Fields.text(pod, "metadata", "deletionTimestamp").isEmpty();
    if (deleting && "NodeLost".equals(Fields.text(status, "reason"))) {
      reason = "Unknown";
    } else if (deleting && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
      reason = "Terminating";
    }

    String restartsCell = String.valueOf(restarts);
    if (restarts != 0 && lastRestart != null) {
      restartsCell = restarts + " (" + HumanDuration.since(lastRestart, now) + " ago)";
    }

    return List.of(
        Fields.name(pod),
        readyContainers + "/" + totalContainers,
        reason,
        restartsCell,
        Fields.age(pod, now),
        orNone(podIp(status)),
        orNone(Fields.text(spec, "nodeName")),
        orNone(Fields.text(status, "nominatedNodeName")),
        readinessGates(spec, status));
  }

  private static String podIp(JsonNode status) {
    List<JsonNode> ips = Fields.items(status, "podIPs");
    // Stored objects from older clients may carry only the singular podIP, which conversion would copy.
    return ips.isEmpty() ? Fields.text(status, "podIP") : Fields.text(ips.get(0), "ip");
  }

  private static String readinessGates(JsonNode spec, JsonNode status) {
    List<JsonNode> gates = Fields.items(spec, "readinessGates");
    if (gates.isEmpty()) {
      return "<none>";
    }
    int trueConditions = 0;
    for (JsonNode gate : gates) {
      String type = Fields.text(gate, "conditionType");
      for (JsonNode condition : Fields.items(status, "conditions")) {
        if (type.equals(Fields.text(condition, "type"))) {
          if ("True".equals(Fields.text(condition, "status"))) {
            trueConditions++;
          }
          break;
        }
      }
    }
    return trueConditions + "/" + gates.size();
  }

  /** Whether the pod has a condition of this type with status True (first match wins, as upstream). */
  private static boolean hasCondition(JsonNode status, String type) {
    for (JsonNode condition : Fields.items(status, "conditions")) {
      if (type.equals(Fields.text(condition, "type")) && "True".equals(Fields.text(condition, "status"))) {
        return true;
      }
    }
    return false;
  }

  private static Instant later(Instant current, Instant candidate) {
    if (candidate == null) {
      return current;
    }
    return current == null || current.isBefore(candidate) ? candidate : current;
  }

  private static String orNone(String value) {
    return value.isEmpty() ? "<none>" : value;
  }
}
