package io.gantry.control.server.table;

import java.util.Objects;

/**
 * One {@code meta.k8s.io/v1 TableColumnDefinition}.
 *
 * @param name        header text; kubectl upper-cases it
 * @param type        OpenAPI type of the cells: {@code string}, {@code integer}, {@code boolean}, {@code date}
 * @param format      OpenAPI format hint; {@code name} marks the column holding the object name
 * @param description what the column shows
 * @param priority    0 for default output, 1 for columns shown only with {@code -o wide}
 */
public record Column(String name, String type, String format, String description, int priority) {

  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(description, "description");
    if (priority < 0) {
      throw new IllegalArgumentException("priority: " + priority + " (expected: >= 0)");
    }
  }

  static final String NAME_DESCRIPTION = "Name must be unique within a namespace. Is required when creating"
      + " resources, although some resources may allow a client to request the generation of an appropriate"
      + " name automatically. Name is primarily intended for creation idempotence and configuration definition."
      + " Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

  static final String AGE_DESCRIPTION = "CreationTimestamp is a timestamp representing the server time when this"
      + " object was created. It is not guaranteed to be set in happens-before order across separate operations."
      + " Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the"
      + " system. Read-only. Null for lists. More info:"
      + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

  /** The {@code Name} column every printer starts with. */
  static Column nameColumn() {
    return new Column("Name", "string", "name", NAME_DESCRIPTION, 0);
  }

  /** The {@code Age} column. */
  static Column ageColumn() {
    return new Column("Age", "string", "", AGE_DESCRIPTION, 0);
  }

  static Column string(String name, String description) {
    return new Column(name, "string", "", description, 0);
  }

  static Column integer(String name, String description) {
    return new Column(name, "integer", "", description, 0);
  }

  /** A string column shown only with {@code -o wide}. */
  static Column wide(String name, String description) {
    return new Column(name, "string", "", description, 1);
  }
}
