package io.gantry.control.server.controller.nodelifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.scheduler.NodeFilters;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The readiness taints the node lifecycle controller owns, as upstream's TaintNodesByCondition
 * and taint-based eviction: Ready=Unknown gives {@code node.kubernetes.io/unreachable} with effects
 * NoSchedule and NoExecute, Ready=False gives {@code node.kubernetes.io/not-ready} with both
 * effects, Ready=True none. NoExecute taints carry {@code timeAdded}, kept while the taint stays:
 * eviction deadlines count from it. Other taints are left alone. Stateless.
 */
final class NodeTaints {

  private static final Set<String> OWNED = Set.of(NodeFilters.UNREACHABLE_TAINT, NodeFilters.NOT_READY_TAINT);

  private NodeTaints() {}

  /** The taint key the readiness calls for, or null (Ready=True, or no Ready condition yet). */
  static String keyFor(String readyStatus) {
    return switch (readyStatus) {
      case "Unknown" -> NodeFilters.UNREACHABLE_TAINT;
      case "False" -> NodeFilters.NOT_READY_TAINT;
      default -> null;
    };
  }

  /** Brings the node's owned taints in line with its readiness; false when they already were. */
  static boolean reconcile(ObjectNode node, String readyStatus, Instant now) {
    String wanted = keyFor(readyStatus);
    if (wanted == null && !readyStatus.equals("True")) {
      return false;
    }
    JsonNode current = node.path("spec").path("taints");
    List<JsonNode> kept = new ArrayList<>();
    boolean noSchedule = false;
    boolean noExecute = false;
    for (JsonNode taint : current) {
      String key = taint.path("key").asText();
      String effect = taint.path("effect").asText();
      if (!OWNED.contains(key)) {
        kept.add(taint);
      } else if (key.equals(wanted) && effect.equals("NoSchedule") && !noSchedule) {
        kept.add(taint);
        noSchedule = true;
      } else if (key.equals(wanted) && effect.equals("NoExecute") && !noExecute) {
        kept.add(taint);
        noExecute = true;
      }
    }
    if (wanted != null && !noSchedule) {
      kept.add(taint(wanted, "NoSchedule", null));
    }
    if (wanted != null && !noExecute) {
      kept.add(taint(wanted, "NoExecute", now));
    }
    if (kept.size() == current.size() && kept.equals(list(current))) {
      return false;
    }
    setTaints(node, kept);
    return true;
  }

  /**
   * The cordon taint, as upstream's NoSchedule tainting pass keeps it: {@code
   * node.kubernetes.io/unschedulable:NoSchedule} exactly while {@code spec.unschedulable} is true;
   * false when it already was so.
   */
  static boolean reconcileUnschedulable(ObjectNode node) {
    boolean wanted = node.path("spec").path("unschedulable").asBoolean(false);
    List<JsonNode> kept = new ArrayList<>();
    boolean present = false;
    for (JsonNode taint : node.path("spec").path("taints")) {
      boolean cordon = NodeFilters.UNSCHEDULABLE_TAINT.equals(taint.path("key").asText())
          && "NoSchedule".equals(taint.path("effect").asText());
      if (!cordon || wanted && !present) {
        kept.add(taint);
      }
      present |= cordon;
    }
    if (wanted == present && kept.size() == node.path("spec").path("taints").size()) {
      return false;
    }
    if (wanted && !present) {
      kept.add(taint(NodeFilters.UNSCHEDULABLE_TAINT, "NoSchedule", null));
    }
    setTaints(node, kept);
    return true;
  }

  private static void setTaints(ObjectNode node, List<JsonNode> taints) {
    ObjectNode spec = node.withObjectProperty("spec");
    if (taints.isEmpty()) {
      spec.remove("taints");
    } else {
      ArrayNode list = spec.putArray("taints");
      taints.forEach(list::add);
    }
  }

  /** Whether the node lifecycle owns this taint (the readiness ones). */
  static boolean owned(JsonNode taint) {
    return OWNED.contains(taint.path("key").asText());
  }

  /** The owned NoExecute taint on the node, or null. */
  static JsonNode noExecute(JsonNode node) {
    for (JsonNode taint : node.path("spec").path("taints")) {
      if (OWNED.contains(taint.path("key").asText()) && "NoExecute".equals(taint.path("effect").asText())) {
        return taint;
      }
    }
    return null;
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items;
  }

  private static ObjectNode taint(String key, String effect, Instant added) {
    ObjectNode taint = Json.object();
    taint.put("key", key);
    taint.put("effect", effect);
    if (added != null) {
      taint.put("timeAdded", ObjectMeta.timestamp(added));
    }
    return taint;
  }
}
