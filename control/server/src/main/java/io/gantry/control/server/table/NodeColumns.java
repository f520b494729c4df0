package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Nodes, after {@code printNode}: readiness, roles, kubelet version and the wide system info. */
final class NodeColumns implements ColumnSet {

  static final NodeColumns INSTANCE = new NodeColumns();

  private static final String ROLE_PREFIX = "node-role.kubernetes.io/";
  private static final String ROLE_LABEL = "kubernetes.io/role";

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Status", "The status of the node"),
      Column.string("Roles", "The roles of the node"),
      Column.ageColumn(),
      Column.string("Version", "Kubelet Version reported by the node."),
      Column.wide("Internal-IP", "List of addresses reachable to the node."),
      Column.wide("External-IP", "List of addresses reachable to the node."),
      Column.wide("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
      Column.wide("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
      Column.wide("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API"
          + " (e.g. containerd://1.4.2)."));

  private NodeColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode node, Instant now) {
    JsonNode status = node.path("status");
    List<String> conditions = new ArrayList<>();
    JsonNode ready = null;
    for (JsonNode condition : Fields.items(status, "conditions")) {
      if ("Ready".equals(Fields.text(condition, "type"))) {
        ready = condition; // the last one wins, as in upstream's map
      }
    }
    if (ready != null) {
      conditions.add("True".equals(Fields.text(ready, "status")) ? "Ready" : "NotReady");
    } else {
      conditions.add("Unknown");
    }
    if (Fields.bool(node, "spec", "unschedulable")) {
      conditions.add("SchedulingDisabled");
    }
    String roles = String.join(",", roles(node));
    JsonNode info = status.path("nodeInfo");
    return List.of(
        Fields.name(node),
        String.join(",", conditions),
        roles.isEmpty() ? "<none>" : roles,
        Fields.age(node, now),
        Fields.text(info, "kubeletVersion"),
        address(status, "InternalIP"),
        address(status, "ExternalIP"),
        orUnknown(Fields.text(info, "osImage")),
        orUnknown(Fields.text(info, "kernelVersion")),
        orUnknown(Fields.text(info, "containerRuntimeVersion")));
  }

  /** {@code findNodeRoles}: {@code node-role.kubernetes.io/<role>} label keys and {@code kubernetes.io/role} values. */
  private static TreeSet<String> roles(JsonNode node) {
    TreeSet<String> roles = new TreeSet<>();
    for (Map.Entry<String, String> label : Fields.map(node, "metadata", "labels").entrySet()) {
      String key = label.getKey();
      if (key.startsWith(ROLE_PREFIX)) {
        if (key.length() > ROLE_PREFIX.length()) {
          roles.add(key.substring(ROLE_PREFIX.length()));
        }
      } else if (key.equals(ROLE_LABEL) && !label.getValue().isEmpty()) {
        roles.add(label.getValue());
      }
    }
    return roles;
  }

  /** The first address of this type, or {@code <none>}. */
  private static String address(JsonNode status, String type) {
    for (JsonNode address : Fields.items(status, "addresses")) {
      if (type.equals(Fields.text(address, "type"))) {
        return Fields.text(address, "address");
      }
    }
    return "<none>";
  }

  private static String orUnknown(String value) {
    return value.isEmpty() ? "<unknown>" : value;
  }
}
