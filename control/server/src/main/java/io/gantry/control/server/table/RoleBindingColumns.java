package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** RoleBindings and ClusterRoleBindings, after {@code printRoleBinding}: the role; wide: the subjects by kind. */
final class RoleBindingColumns implements ColumnSet {

  static final RoleBindingColumns INSTANCE = new RoleBindingColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Role", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global"
          + " namespace. If the RoleRef cannot be resolved, the Authorizer must return an error."),
      Column.ageColumn(),
      Column.wide("Users", "Users in the roleBinding"),
      Column.wide("Groups", "Groups in the roleBinding"),
      Column.wide("ServiceAccounts", "ServiceAccounts in the roleBinding"));

  private RoleBindingColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode binding, Instant now) {
    List<String> users = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<String> serviceAccounts = new ArrayList<>();
    for (JsonNode subject : Fields.items(binding, "subjects")) {
      String name = Fields.text(subject, "name");
      switch (Fields.text(subject, "kind")) {
        case "User" -> users.add(name);
        case "Group" -> groups.add(name);
        case "ServiceAccount" -> serviceAccounts.add(Fields.text(subject, "namespace") + "/" + name);
        default -> { }
      }
    }
    return List.of(Fields.name(binding),
        Fields.text(binding, "roleRef", "kind") + "/" + Fields.text(binding, "roleRef", "name"),
        Fields.age(binding, now), String.join(", ", users), String.join(", ", groups),
        String.join(", ", serviceAccounts));
  }
}
