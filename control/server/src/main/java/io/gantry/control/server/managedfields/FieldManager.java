package io.gantry.control.server.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Field ownership through writes, as structured-merge-diff's Updater does it for one kind and one
 * endpoint (the main resource or a subresource).
 *
 * <ul>
 *   <li>{@link #update}: a create, update or non-apply patch by manager M (operation Update). M
 *       takes every field whose value it set or changed; those fields, and the ones it removed,
 *       leave every other manager's set.
 *   <li>{@link #apply}: M owns exactly what its configuration names. A field it would change that
 *       another manager owns is a conflict unless forced (then the field moves to M); the same
 *       value shares ownership. Fields M applied before and no longer applies are removed from the
 *       object unless another manager owns them; M's ownership of them ends either way.
 * </ul>
 */
public final class FieldManager {

  /** Who owns what an object held before it had ownership records, on its first apply. */
  public static final String BEFORE_FIRST_APPLY = "before-first-apply";
  /** kubectl's field manager for server-side apply, the one kube-apiserver migrates. */
  private static final String KUBECTL = "kubectl";
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private final ResourceType type;
  private final String subresource;
  private final ObjectFields fields;

  private FieldManager(ResourceType type, String subresource) {
    this.type = Objects.requireNonNull(type, "type");
    this.subresource = subresource == null ? "" : subresource;
    this.fields = ObjectFields.of(type, subresource);
  }

  /** @param subresource the endpoint written through ({@code status}, {@code scale}), or null */
  public static FieldManager of(ResourceType type, String subresource) {
    return new FieldManager(type, subresource);
  }

  /** An applied object and the managedFields to store with it. */
  public record Applied(ObjectNode object, ArrayNode managedFields) {}

  /**
   * Server-side apply by {@code manager}.
   *
   * @param live     the stored object, with its managedFields
   * @param merged   {@code live} with the configuration merged in (not yet pruned); not modified
   * @param configuration the applied configuration
   * @param legacy   ownership to assume when {@code live} has no managedFields at all (appliers
   *                 recorded by an older Gantry), or empty
   * @param time     now, as an RFC 3339 timestamp
   * @throws FieldConflicts if the apply changes fields other managers own and {@code force} is false
   * @throws IllegalArgumentException if the stored managedFields are malformed
   */
  public Applied apply(ObjectNode live, ObjectNode merged, JsonNode configuration, String manager, boolean force,
      List<ManagedFieldsEntry> legacy, String time) throws FieldConflicts {
    List<ManagedFieldsEntry> entries = ManagedFields.decode(managedFieldsOf(live));
    if (entries.isEmpty()) {
      entries = adopt(live, legacy, time);
    }
    FieldSet applied = fields.applied(configuration);
    ManagedFieldsEntry self = new ManagedFieldsEntry(manager, ManagedFieldsEntry.APPLY, type.apiVersion(), time,
        subresource, applied);
    ManagedFieldsEntry previous = find(entries, self.identity());
    List<ManagedFieldsEntry> others = new ArrayList<>(entries);
    others.removeIf(entry -> entry.identity().equals(self.identity()));
    FieldSet ownedByOthers = union(others);

    ObjectNode result = merged.deepCopy();
    if (previous != null) {
      ApplyPruning.prune(result, previous.fields().minus(applied).minus(ownedByOthers), applied.union(ownedByOthers));
    }
    Comparison change = fields.compare(live, result);
    FieldSet changed = change.changed();
    // kube-apiserver's lastAppliedManager: kubectl moving from client-side to server-side apply
    // may take, without force, what its last client-side apply configured
    FieldSet forgiven = KUBECTL.equals(manager) && !ownedByOthers.intersect(changed).isEmpty()
        ? lastApplied(live) : FieldSet.EMPTY;
    List<FieldConflicts.Conflict> conflicts = new ArrayList<>();
    List<ManagedFieldsEntry> next = new ArrayList<>();
    for (ManagedFieldsEntry other : others) {
      FieldSet taken = other.fields().intersect(changed);
      taken.minus(forgiven).paths().stream().map(FieldSet::describe).sorted()
          .forEach(path -> conflicts.add(new FieldConflicts.Conflict(other.describe(), path)));
      next.add(other.withFields(other.fields().minus(taken).minus(change.removed())));
    }
    if (!conflicts.isEmpty() && !force) {
      conflicts.sort(Comparator.comparing(FieldConflicts.Conflict::manager));
      throw new FieldConflicts(conflicts);
    }
    boolean keepTime = previous != null && change.isEmpty() && !previous.time().isEmpty();
    next.add(keepTime ? self.withTime(previous.time()) : self);
    if (KUBECTL.equals(manager) && result.path("metadata").path("annotations").has(LAST_APPLIED)) {
      keepLastAppliedInStep(result, configuration); // lastAppliedUpdater: after ownership, owned by no one new
    }
    return new Applied(result, ManagedFields.encode(next));
  }

  /** The fields of {@code live}'s last client-side apply configuration, or none. */
  private FieldSet lastApplied(ObjectNode live) {
    JsonNode annotation = live.path("metadata").path("annotations").path(LAST_APPLIED);
    if (!annotation.isTextual()) {
      return FieldSet.EMPTY;
    }
    try {
      return fields.applied(Json.MAPPER.readTree(annotation.asText()));
    } catch (IOException | RuntimeException e) {
      return FieldSet.EMPTY; // not a configuration: nothing is forgiven
    }
  }

  /**
   * kube-apiserver's lastAppliedUpdater: the object's client-side last-applied annotation becomes
   * the server-side configuration (without that annotation), so a later client-side apply
   * computes its patch from what is applied now.
   */
  private static void keepLastAppliedInStep(ObjectNode result, JsonNode configuration) {
    ObjectNode copy = configuration.deepCopy();
    if (copy.path("metadata").path("annotations") instanceof ObjectNode annotations) {
      annotations.remove(LAST_APPLIED);
      if (annotations.isEmpty()) {
        ((ObjectNode) copy.get("metadata")).remove("annotations");
      }
    }
    ((ObjectNode) result.get("metadata").get("annotations")).put(LAST_APPLIED, Json.string(copy));
  }

  /**
   * The managedFields after a non-apply write by {@code manager}, or null when the object is to
   * have none (the client reset them with {@code [{}]}).
   *
   * @param old  the stored object, or null on create
   * @param next the object to store; its {@code metadata.managedFields} is what the writer sent
   * @param honorRequested whether that list counts: on an update of the main resource by a
   *             client a non-empty list replaces the stored one and {@code [{}]} clears it
   * @throws IllegalArgumentException if the managedFields to use are malformed
   */
  public ArrayNode update(ObjectNode old, ObjectNode next, boolean honorRequested, String manager, String time) {
    JsonNode requested = honorRequested ? managedFieldsOf(next) : null;
    if (ManagedFields.isReset(requested)) {
      return null;
    }
    boolean replace = subresource.isEmpty() && requested != null && requested.isArray() && !requested.isEmpty();
    List<ManagedFieldsEntry> entries = ManagedFields.decode(replace ? requested : managedFieldsOf(old));
    Comparison change = fields.compare(old, next);
    if (change.isEmpty()) {
      return ManagedFields.encode(entries);
    }
    ManagedFieldsEntry self = new ManagedFieldsEntry(manager, ManagedFieldsEntry.UPDATE, type.apiVersion(), time,
        subresource, FieldSet.EMPTY);
    ManagedFieldsEntry previous = find(entries, self.identity());
    List<ManagedFieldsEntry> result = new ArrayList<>();
    for (ManagedFieldsEntry entry : entries) {
      if (!entry.identity().equals(self.identity())) {
        result.add(entry.withFields(entry.fields().minus(change.changed()).minus(change.removed())));
      }
    }
    FieldSet owned = previous == null ? FieldSet.EMPTY : previous.fields();
    result.add(self.withFields(owned.minus(change.removed()).union(change.changed())));
    return ManagedFields.encode(result);
  }

  /**
   * Ownership for an object that has no records yet: the legacy appliers' entries, and what
   * nobody claims goes to {@value #BEFORE_FIRST_APPLY}, as kube-apiserver does on the first apply
   * to an object written before it tracked fields.
   */
  private List<ManagedFieldsEntry> adopt(ObjectNode live, List<ManagedFieldsEntry> legacy, String time) {
    List<ManagedFieldsEntry> entries = new ArrayList<>(legacy);
    FieldSet claimed = union(legacy);
    FieldSet unclaimed = fields.all(live).filter(path -> !claimed.contains(path) && !claimed.hasBelow(path));
    if (!unclaimed.isEmpty()) {
      entries.add(new ManagedFieldsEntry(BEFORE_FIRST_APPLY, ManagedFieldsEntry.UPDATE, type.apiVersion(), time,
          subresource, unclaimed));
    }
    return entries;
  }

  /** The entry a legacy applied configuration stands for. */
  public ManagedFieldsEntry legacyApplier(String manager, JsonNode configuration) {
    return new ManagedFieldsEntry(manager, ManagedFieldsEntry.APPLY, type.apiVersion(), "", subresource,
        fields.applied(configuration));
  }

  private static FieldSet union(List<ManagedFieldsEntry> entries) {
    FieldSet all = FieldSet.EMPTY;
    for (ManagedFieldsEntry entry : entries) {
      all = all.union(entry.fields());
    }
    return all;
  }

  private static ManagedFieldsEntry find(List<ManagedFieldsEntry> entries, String identity) {
    for (ManagedFieldsEntry entry : entries) {
      if (entry.identity().equals(identity)) {
        return entry;
      }
    }
    return null;
  }

  private static JsonNode managedFieldsOf(ObjectNode object) {
    return object == null ? null : object.path("metadata").get("managedFields");
  }
}
