package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** ServiceAccounts, after {@code printServiceAccount}: the number of listed secrets. */
final class ServiceAccountColumns implements ColumnSet {

  static final ServiceAccountColumns INSTANCE = new ServiceAccountColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this"
          + " ServiceAccount are allowed to use."),
      Column.ageColumn());

  private ServiceAccountColumns() {}

  @Override
  public List<Object> cells(ObjectNode serviceAccount, Instant now) {
    return List.of(Fields.name(serviceAccount), (long) serviceAccount.path("secrets").size(),
        Fields.age(serviceAccount, now));
  }

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }
}
