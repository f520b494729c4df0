package io.gantry.control.server.managedfields;

import java.util.Comparator;
import java.util.Objects;

/**
 * One element of {@code metadata.managedFields}: what one manager owns through one operation.
 *
 * @param manager     the field manager's name
 * @param operation   {@link #APPLY} or {@link #UPDATE}
 * @param apiVersion  the API version the manager wrote with
 * @param time        when the manager last changed the object (RFC 3339), or empty
 * @param subresource the subresource written through ({@code status}, {@code scale}), or empty
 * @param fields      the owned fields
 */
public record ManagedFieldsEntry(String manager, String operation, String apiVersion, String time,
    String subresource, FieldSet fields) {

  public static final String APPLY = "Apply";
  public static final String UPDATE = "Update";

  /** Kubernetes' order: Apply before Update, then by time, manager, apiVersion, subresource. */
  static final Comparator<ManagedFieldsEntry> ORDER = Comparator.comparing(ManagedFieldsEntry::operation)
      .thenComparing(ManagedFieldsEntry::time)
      .thenComparing(ManagedFieldsEntry::manager)
      .thenComparing(ManagedFieldsEntry::apiVersion)
      .thenComparing(ManagedFieldsEntry::subresource);

  public ManagedFieldsEntry {
    Objects.requireNonNull(manager, "manager");
    Objects.requireNonNull(operation, "operation");
    apiVersion = apiVersion == null ? "" : apiVersion;
    time = time == null ? "" : time;
    subresource = subresource == null ? "" : subresource;
    Objects.requireNonNull(fields, "fields");
  }

  boolean applied() {
    return operation.equals(APPLY);
  }

  /**
   * Who this entry's owner is, as upstream identifies managers: an applier by name and
   * subresource, an updater also by API version.
   */
  String identity() {
    return manager + "\u0000" + operation + "\u0000" + (applied() ? "" : apiVersion) + "\u0000" + subresource;
  }

  /** The manager as conflict messages name it: {@code "kubectl" with subresource "scale" using apps/v1}. */
  String describe() {
    StringBuilder out = new StringBuilder(quote(manager));
    if (!subresource.isEmpty()) {
      out.append(" with subresource ").append(quote(subresource));
    }
    if (!applied()) {
      out.append(" using ").append(apiVersion);
    }
    return out.toString();
  }

  ManagedFieldsEntry withFields(FieldSet owned) {
    return new ManagedFieldsEntry(manager, operation, apiVersion, time, subresource, owned);
  }

  ManagedFieldsEntry withTime(String when) {
    return new ManagedFieldsEntry(manager, operation, apiVersion, when, subresource, fields);
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
