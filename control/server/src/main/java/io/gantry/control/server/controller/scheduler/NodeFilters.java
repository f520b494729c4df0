package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The filter plugins of kube-scheduler's default profile that Gantry needs, in upstream order;
 * the first one that rejects a node gives the reasons (in kube-scheduler's wording) that the
 * FailedScheduling message counts:
 * <ol>
 *   <li>NodeUnschedulable: {@code spec.unschedulable}, unless the pod tolerates the
 *       {@code node.kubernetes.io/unschedulable:NoSchedule} taint.</li>
 *   <li>TaintToleration: NoSchedule and NoExecute taints the pod does not tolerate. A node whose
 *       Ready condition is not True counts as carrying the taint the node lifecycle controller
 *       puts on it ({@code not-ready}, or {@code unreachable} when Unknown), so a node is usable
 *       only when Ready or by pods that tolerate exactly that (DaemonSet-style).</li>
 *   <li>NodeAffinity: {@code nodeSelector} and required node affinity.</li>
 *   <li>NodePorts: the pod's host ports against those of the pods on the node.</li>
 *   <li>NodeResourcesFit: pod count, cpu and memory requests against what is left.</li>
 * </ol>
 */
public final class NodeFilters {

  public static final String UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable";
  public static final String NOT_READY_TAINT = "node.kubernetes.io/not-ready";
  public static final String UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";

  static final String REASON_UNSCHEDULABLE = "node(s) were unschedulable";
  static final String REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
  static final String REASON_TOO_MANY_PODS = "Too many pods";
  static final String REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";
  private static final String ANY = "0.0.0.0";

  private NodeFilters() {}

  /** Why the pod cannot go to the node; empty when it fits. */
  public static List<String> reasons(JsonNode pod, Resources request, NodeInfo info) {
    ObjectNode node = info.node();
    if (node.path("spec").path("unschedulable").asBoolean(false)
        && Tolerations.find(pod, taint(UNSCHEDULABLE_TAINT, "NoSchedule")).isEmpty()) {
      return List.of(REASON_UNSCHEDULABLE);
    }
    Optional<JsonNode> untolerated = Tolerations.firstUntolerated(pod, taints(info));
    if (untolerated.isPresent()) {
      JsonNode taint = untolerated.get();
      return List.of("node(s) had untolerated taint {" + taint.path("key").asText("") + ": "
          + taint.path("value").asText("") + "}");
    }
    if (!NodeAffinity.matches(pod, node)) {
      return List.of(REASON_AFFINITY);
    }
    if (hostPortsTaken(pod, info.pods())) {
      return List.of(REASON_PORTS);
    }
    return resourceReasons(request, info);
  }

  /**
   * NodePorts: a host port of the pod (protocol, port, {@code hostIP}) that a pod on the node holds
   * already, where {@code 0.0.0.0} (the default) overlaps every address.
   */
  static boolean hostPortsTaken(JsonNode pod, List<ObjectNode> onNode) {
    List<HostPort> wanted = hostPorts(pod);
    if (wanted.isEmpty()) {
      return false;
    }
    for (ObjectNode other : onNode) {
      for (HostPort held : hostPorts(other)) {
        if (wanted.stream().anyMatch(held::overlaps)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A container port's claim on the node: {@code hostIP} ({@code 0.0.0.0} when unset), protocol, host port. */
  private record HostPort(String ip, String protocol, int port) {
    boolean overlaps(HostPort other) {
      boolean sameAddress = ip.equals(other.ip) || ip.equals(ANY) || other.ip.equals(ANY);
      return sameAddress && protocol.equals(other.protocol) && port == other.port;
    }
  }

  private static List<HostPort> hostPorts(JsonNode pod) {
    List<HostPort> ports = new ArrayList<>();
    for (JsonNode container : pod.path("spec").path("containers")) {
      for (JsonNode port : container.path("ports")) {
        int hostPort = port.path("hostPort").asInt(0);
        if (hostPort > 0) {
          String ip = port.path("hostIP").asText("");
          ports.add(new HostPort(ip.isEmpty() ? ANY : ip, port.path("protocol").asText("TCP"), hostPort));
        }
      }
    }
    return ports;
  }

  private static List<String> resourceReasons(Resources request, NodeInfo info) {
    Resources allocatable = info.allocatable();
    if (allocatable == null) {
      return List.of();
    }
    Resources used = info.requested();
    List<String> reasons = new ArrayList<>();
    if (info.pods().size() + 1 > allocatable.pods()) {
      reasons.add(REASON_TOO_MANY_PODS);
    }
    if (request.milliCpu() > 0 && request.milliCpu() > allocatable.milliCpu() - used.milliCpu()) {
      reasons.add("Insufficient cpu");
    }
    if (request.memory() > 0 && request.memory() > allocatable.memory() - used.memory()) {
      reasons.add("Insufficient memory");
    }
    return reasons;
  }

  /** The node's taints, plus the readiness taint the lifecycle controller would add if it has not yet. */
  static List<JsonNode> taints(NodeInfo info) {
    List<JsonNode> taints = new ArrayList<>();
    info.node().path("spec").path("taints").forEach(taints::add);
    String ready = info.readyStatus();
    if (!ready.equals("True")) {
      String key = ready.equals("Unknown") ? UNREACHABLE_TAINT : NOT_READY_TAINT;
      boolean present = taints.stream().anyMatch(t -> t.path("key").asText().equals(key)
          && t.path("effect").asText().equals("NoSchedule"));
      if (!present) {
        taints.add(taint(key, "NoSchedule"));
      }
    }
    return taints;
  }

  static ObjectNode taint(String key, String effect) {
    ObjectNode taint = Json.object();
    taint.put("key", key);
    taint.put("effect", effect);
    return taint;
  }

  /** Whether a reason can be cured by preempting pods (resources) rather than only by changing nodes. */
  static boolean resolvableByPreemption(List<String> reasons) {
    // the filters that answer Unschedulable, not UnschedulableAndUnresolvable: evicting pods could help
    return reasons.stream().allMatch(r -> r.equals(REASON_TOO_MANY_PODS) || r.startsWith("Insufficient ")
        || r.equals(REASON_PORTS) || r.equals(PodTopologySpread.REASON)
        || r.equals(InterPodAffinity.REASON_ANTI_AFFINITY) || r.equals(InterPodAffinity.REASON_EXISTING_ANTI_AFFINITY));
  }
}
