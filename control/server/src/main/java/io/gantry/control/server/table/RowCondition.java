package io.gantry.control.server.table;

import java.util.Objects;

/**
 * One {@code TableRowCondition}: kube-apiserver marks rows of finished pods {@code Completed}.
 */
public record RowCondition(String type, String status, String reason, String message) {

  public RowCondition {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
