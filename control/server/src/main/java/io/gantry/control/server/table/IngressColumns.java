package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Ingresses, after {@code printIngress}: class, hosts, load-balancer address and ports. */
final class IngressColumns implements ColumnSet {

  static final IngressColumns INSTANCE = new IngressColumns();

  private static final int MAX_HOSTS = 3;

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Class", "The name of the IngressClass resource that should be used for additional configuration"),
      Column.string("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
      Column.string("Address", "Address is a list containing ingress points for the load-balancer"),
      Column.string("Ports", "Ports of TLS configurations that open"),
      Column.ageColumn());

  private IngressColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode ingress, Instant now) {
    JsonNode spec = ingress.path("spec");
    String className = spec.path("ingressClassName").isTextual() ? spec.get("ingressClassName").asText() : "<none>";
    return List.of(
        Fields.name(ingress),
        className,
        hosts(Fields.items(spec, "rules")),
        String.join(",", ServiceColumns.loadBalancerIngress(ingress.path("status").path("loadBalancer"))),
        Fields.items(spec, "tls").isEmpty() ? "80" : "80, 443",
        Fields.age(ingress, now));
  }

  /** {@code formatHosts}: up to three rule hosts, {@code *} when none; the remainder counts all rules. */
  private static String hosts(List<JsonNode> rules) {
    List<String> list = new ArrayList<>();
    boolean more = false;
    for (JsonNode rule : rules) {
      if (list.size() == MAX_HOSTS) {
        more = true;
      }
      String host = Fields.text(rule, "host");
      if (!more && !host.isEmpty()) {
        list.add(host);
      }
    }
    if (list.isEmpty()) {
      return "*";
    }
    String shown = String.join(",", list);
    return more ? shown + " + " + (rules.size() - MAX_HOSTS) + " more..." : shown;
  }
}
