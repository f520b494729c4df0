package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * The columns of one kind and how to fill them, after a {@code printXxx} function of kube-apiserver's
 * {@code pkg/printers/internalversion/printers.go}. The server always prints the wide form: cells come
 * for every column, priority 1 included, and kubectl hides those without {@code -o wide}.
 *
 * <p>Implementations are stateless and read objects as stored (versioned JSON). Where kube-apiserver
 * relies on defaulting (a service without {@code type}, a deployment without {@code replicas}), they
 * apply the default themselves.
 */
public interface ColumnSet {

  /** The column definitions, in order. */
  List<Column> columns();

  /** One cell per column: {@link String}, {@link Long} or {@link Boolean}. */
  List<Object> cells(ObjectNode object, Instant now);

  /** Conditions of the row; none unless the kind says otherwise. */
  default List<RowCondition> conditions(ObjectNode object) {
    return List.of();
  }
}
