package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Services, after {@code printService}: type, cluster IP, external IPs, ports and the wide selector. */
final class ServiceColumns implements ColumnSet {

  static final ServiceColumns INSTANCE = new ServiceColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Type", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are"
          + " ExternalName, ClusterIP, NodePort, and LoadBalancer."),
      Column.string("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
      Column.string("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also"
          + " accept traffic for this service."),
      Column.string("Port(s)", "The list of ports that are exposed by this service."),
      Column.ageColumn(),
      Column.wide("Selector", "Route service traffic to pods with label keys and values matching this selector."));

  private ServiceColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode service, Instant now) {
    JsonNode spec = service.path("spec");
    // Defaulting gives every stored service a type; read an absent one as that default.
    String type = Fields.text(spec, "type");
    if (type.isEmpty()) {
      type = "ClusterIP";
    }
    return List.of(
        Fields.name(service),
        type,
        clusterIp(spec),
        externalIp(type, service),
        ports(spec),
        Fields.age(service, now),
        Fields.formatLabels(spec, "selector"));
  }

  private static String clusterIp(JsonNode spec) {
    List<JsonNode> ips = Fields.items(spec, "clusterIPs");
    // Defaulting copies clusterIP into clusterIPs; objects written without it have only the former.
    String ip = ips.isEmpty() ? Fields.text(spec, "clusterIP") : ips.get(0).asText();
    return ip.isEmpty() ? "<none>" : ip;
  }

  /** {@code getServiceExternalIP} with {@code wide} set, as the server prints it (no 16-character clipping). */
  private static String externalIp(String type, JsonNode service) {
    List<String> externalIps = new ArrayList<>();
    Fields.items(service, "spec", "externalIPs").forEach(ip -> externalIps.add(ip.asText()));
    switch (type) {
      case "ClusterIP", "NodePort" -> {
        return externalIps.isEmpty() ? "<none>" : String.join(",", externalIps);
      }
      case "LoadBalancer" -> {
        List<String> results = new ArrayList<>(loadBalancerIngress(service.path("status").path("loadBalancer")));
        if (!externalIps.isEmpty()) {
          results.addAll(externalIps);
          return String.join(",", results);
        }
        return results.isEmpty() ? "<pending>" : String.join(",", results);
      }
      case "ExternalName" -> {
        return Fields.text(service, "spec", "externalName");
      }
      default -> {
        return "<unknown>";
      }
    }
  }

  /** The distinct ingress IPs (or hostnames when no IP), sorted: {@code loadBalancerStatusStringer}. */
  static TreeSet<String> loadBalancerIngress(JsonNode loadBalancerStatus) {
    TreeSet<String> result = new TreeSet<>();
    for (JsonNode ingress : Fields.items(loadBalancerStatus, "ingress")) {
      String ip = Fields.text(ingress, "ip");
      String hostname = Fields.text(ingress, "hostname");
      if (!ip.isEmpty()) {
        result.add(ip);
      } else if (!hostname.isEmpty()) {
        result.add(hostname);
      }
    }
    return result;
  }

  private static String ports(JsonNode spec) {
    List<String> pieces = new ArrayList<>();
    for (JsonNode port : Fields.items(spec, "ports")) {
      String protocol = Fields.text(port, "protocol");
      if (protocol.isEmpty()) {
        protocol = "TCP";
      }
      long nodePort = Fields.integer(port, "nodePort");
      pieces.add(nodePort > 0
          ? Fields.integer(port, "port") + ":" + nodePort + "/" + protocol
          : Fields.integer(port, "port") + "/" + protocol);
    }
    return pieces.isEmpty() ? "<none>" : String.join(",", pieces);
  }
}
