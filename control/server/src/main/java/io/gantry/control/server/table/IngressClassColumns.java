package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** IngressClasses, after {@code printIngressClass}: controller and {@code Kind[.apiGroup]/name} parameters. */
final class IngressClassColumns implements ColumnSet {

  static final IngressClassColumns INSTANCE = new IngressClassColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Controller", "Controller that is responsible for handling this class"),
      Column.string("Parameters", "A reference to a resource with additional parameters"),
      Column.ageColumn());

  private IngressClassColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode ingressClass, Instant now) {
    JsonNode parameters = ingressClass.path("spec").path("parameters");
    String shown = "<none>";
    if (parameters.isObject()) {
      shown = Fields.text(parameters, "kind");
      if (parameters.path("apiGroup").isTextual()) {
        shown += "." + parameters.get("apiGroup").asText();
      }
      shown += "/" + Fields.text(parameters, "name");
    }
    return List.of(
        Fields.name(ingressClass),
        Fields.text(ingressClass, "spec", "controller"),
        shown,
        Fields.age(ingressClass, now));
  }
}
