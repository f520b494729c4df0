package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** Leases, after {@code printLease}: the holder identity (empty when nobody holds it). */
final class LeaseColumns implements ColumnSet {

  static final LeaseColumns INSTANCE = new LeaseColumns();

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      Column.string("Holder", "holderIdentity contains the identity of the holder of a current lease."),
      Column.ageColumn());

  private LeaseColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode lease, Instant now) {
    return List.of(Fields.name(lease), Fields.text(lease, "spec", "holderIdentity"), Fields.age(lease, now));
  }
}
