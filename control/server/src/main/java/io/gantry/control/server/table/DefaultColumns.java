package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * kube-apiserver's default table convertor ({@code rest.NewDefaultTableConvertor}) for kinds without a
 * printer: {@code Name} and {@code Created At} (type {@code date}, an RFC 3339 UTC string).
 */
final class DefaultColumns implements ColumnSet {

  static final DefaultColumns INSTANCE = new DefaultColumns();

  /** Go's zero {@code time.Time}, which an object without creationTimestamp prints. */
  private static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

  private static final List<Column> COLUMNS = List.of(
      Column.nameColumn(),
      new Column("Created At", "date", "", Column.AGE_DESCRIPTION, 0));

  private DefaultColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode object, Instant now) {
    Instant created = Fields.time(object, "metadata", "creationTimestamp");
    return List.of(Fields.name(object), (created == null ? ZERO : created).truncatedTo(ChronoUnit.SECONDS).toString());
  }
}
