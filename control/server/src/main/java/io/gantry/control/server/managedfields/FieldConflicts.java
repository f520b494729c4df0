package io.gantry.control.server.managedfields;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An apply would change fields other managers own: the 409 Conflict kube-apiserver answers, with
 * its message ({@code Apply failed with 1 conflict: conflict with "a": .spec.replicas}) and one
 * {@code FieldManagerConflict} cause per field.
 */
public final class FieldConflicts extends Exception {
  private static final long serialVersionUID = 1L;

  /** The Status cause type of each conflicting field. */
  public static final String CAUSE_TYPE = "FieldManagerConflict";

  /**
   * @param manager the owner as upstream prints it, quoted: {@code "kubectl" using apps/v1}
   * @param field   the path as upstream prints it: {@code .spec.replicas}
   */
  public record Conflict(String manager, String field) {}

  private final transient List<Conflict> conflicts;

  FieldConflicts(List<Conflict> conflicts) {
    super(message(conflicts));
    this.conflicts = List.copyOf(conflicts);
  }

  public List<Conflict> conflicts() {
    return conflicts;
  }

  private static String message(List<Conflict> conflicts) {
    if (conflicts.size() == 1) {
      Conflict only = conflicts.get(0);
      return "Apply failed with 1 conflict: conflict with " + only.manager() + ": " + only.field();
    }
    Map<String, List<String>> byManager = new LinkedHashMap<>();
    for (Conflict conflict : conflicts) {
      byManager.computeIfAbsent(conflict.manager(), m -> new ArrayList<>()).add(conflict.field());
    }
    List<String> lines = new ArrayList<>();
    byManager.forEach((manager, fields) -> {
      lines.add("conflicts with " + manager + ":");
      fields.forEach(field -> lines.add("- " + field));
    });
    return "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
  }
}
