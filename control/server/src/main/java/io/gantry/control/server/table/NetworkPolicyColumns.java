package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** NetworkPolicies, after {@code printNetworkPolicy}: the pod selector ({@code <none>} selects all pods). */
final class NetworkPolicyColumns implements ColumnSet {

  static final NetworkPolicyColumns INSTANCE = new NetworkPolicyColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Pod-Selector", "Selects the pods to which this NetworkPolicy object applies."),
      Column.ageColumn());

  private NetworkPolicyColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode policy, Instant now) {
    return List.of(
        Fields.name(policy),
        LabelSelectors.formatOrNone(policy.path("spec").path("podSelector")),
        Fields.age(policy, now));
  }
}
