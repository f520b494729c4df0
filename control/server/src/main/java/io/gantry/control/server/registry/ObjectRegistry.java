package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.json.SameContent;
import io.gantry.control.server.managedfields.FieldConflicts;
import io.gantry.control.server.managedfields.FieldManager;
import io.gantry.control.server.managedfields.ManagedFieldsEntry;
import io.gantry.control.server.patch.PatchException;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.patch.Patches;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.FieldSelector;
import io.gantry.control.server.selector.LabelSelector;
import io.gantry.control.server.store.CompactedException;
import io.gantry.control.server.store.Compare;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.Op;
import io.gantry.control.server.store.RangeResult;
import io.gantry.control.server.store.Store;
import io.gantry.control.server.store.TxnResult;
import io.gantry.control.server.validation.FieldError;
import io.gantry.control.server.validation.ObjectValidator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Kubernetes objects over the {@link Store}: the create, read, update, patch and delete rules of
 * kube-apiserver's generic registry (server-managed metadata, optimistic concurrency, defaults,
 * validation, status subresources, finalizers, graceful deletion of pods, namespace lifecycle).
 *
 * <p>Every write records field ownership in {@code metadata.managedFields} (see
 * {@link FieldManager}) under this registry's field manager: {@link #as} names it, as the
 * {@code fieldManager} parameter or the user agent does for a request.
 *
 * <p>Concurrency: stateless apart from the store; every write is one compare-and-swap on the
 * object's revision, retried from a fresh read when the client did not pin a resourceVersion.
 * Calls block on the store and must not run on an event loop.
 */
public final class ObjectRegistry {

  private static final int MAX_RETRIES = 16;
  private static final String NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** kube-apiserver's words for a continue token whose revision compaction has discarded. */
  private static final String INCONSISTENT_CONTINUE = "The provided continue parameter is too old to display a"
      + " consistent list result. You can start a new list without the continue parameter, or use the continue"
      + " token in this response to retrieve the remainder of the results. Continuing with the provided token"
      + " results in an inconsistent list - objects that were created, modified, or deleted between the time"
      + " the first chunk was returned and now may show up in the list.";
  /** The namespaces kube-apiserver's NamespaceLifecycle admission refuses to delete. */
  private static final Set<String> IMMORTAL_NAMESPACES = Set.of("default", "kube-system", "kube-public");

  /** The field manager of writes by the control component when no caller names another. */
  public static final String DEFAULT_MANAGER = "gantry-control";

  private final Store store;
  private final Clock clock;
  private final List<WritePlugin> plugins;
  private final boolean dryRun;
  private final SecureRandom random = new SecureRandom();
  private final String manager;
  private final String managedSubresource;
  private final boolean client;

  public ObjectRegistry(Store store, Clock clock) {
    this(store, clock, List.of());
  }

  public ObjectRegistry(Store store, Clock clock, List<WritePlugin> plugins) {
    this(store, clock, plugins, false, DEFAULT_MANAGER, null, false);
  }

  private ObjectRegistry(Store store, Clock clock, List<WritePlugin> plugins, boolean dryRun, String manager,
      String managedSubresource, boolean client) {
    this.store = store;
    this.clock = clock;
    this.plugins = List.copyOf(plugins);
    this.dryRun = dryRun;
    this.manager = manager;
    this.managedSubresource = managedSubresource;
    this.client = client;
  }

  /**
   * This registry for a request with {@code dryRun=All}: every write runs its defaulting,
   * admission (allocators included) and validation and answers what it would have stored, but
   * commits nothing, as kube-apiserver's DryRunnableStorage.
   */
  public ObjectRegistry dryRun() {
    return dryRun ? this : new ObjectRegistry(store, clock, plugins, true, manager, managedSubresource, client);
  }

  /** This registry writing as field manager {@code fieldManager} (a controller, a client). */
  public ObjectRegistry as(String fieldManager) {
    if (fieldManager == null || fieldManager.isBlank()) {
      throw new IllegalArgumentException("fieldManager: \"" + fieldManager + "\" (expected: a name)");
    }
    return new ObjectRegistry(store, clock, plugins, dryRun, fieldManager, managedSubresource, client);
  }

  /**
   * This registry writing for an API request as {@code fieldManager}: unlike in-process writers,
   * whose bodies come from caches and may carry stale records, a client may set
   * {@code metadata.managedFields} with an update (a non-empty list replaces the records,
   * {@code [{}]} clears them).
   */
  public ObjectRegistry forRequest(String fieldManager) {
    return new ObjectRegistry(store, clock, plugins, dryRun, fieldManager, managedSubresource, true).as(fieldManager);
  }

  /**
   * This registry recording main-resource writes as made through {@code subresource} (the
   * {@code scale} endpoint writes {@code spec.replicas} of its parent).
   */
  public ObjectRegistry through(String subresource) {
    return new ObjectRegistry(store, clock, plugins, dryRun, manager, subresource, client);
  }

  /** The field manager writes are recorded under. */
  public String manager() {
    return manager;
  }

  public Store store() {
    return store;
  }

  public Clock clock() {
    return clock;
  }

  public ObjectNode get(ResourceType type, String namespace, String name) throws ApiException {
    return find(type, namespace, name).orElseThrow(() -> ApiException.notFound(type, name));
  }

  public Optional<ObjectNode> find(ResourceType type, String namespace, String name) {
    return store.get(type.key(namespace, name)).map(kv -> StoredObjects.decode(type, kv));
  }

  /**
   * Lists objects of a type in a namespace (or all namespaces when {@code namespace} is null),
   * filtered by selectors, one page at a time, at the current revision or the continue token's.
   */
  public ListResult list(ResourceType type, String namespace, LabelSelector labels, FieldSelector fields,
      int limit, String continueToken) throws ApiException {
    return list(type, namespace, labels, fields, limit, continueToken, 0);
  }

  /**
   * As {@link #list(ResourceType, String, LabelSelector, FieldSelector, int, String)}, read at
   * {@code revision} ({@code 0} for the current one) unless a continue token names its own. Every
   * page of a list is read at its first page's revision, so the pages together are one snapshot,
   * as etcd gives kube-apiserver; once compaction has discarded that revision the answer is 410.
   */
  public ListResult list(ResourceType type, String namespace, LabelSelector labels, FieldSelector fields,
      int limit, String continueToken, long revision) throws ApiException {
    String prefix = type.keyPrefix(namespace);
    String startAfter = null;
    long at = revision;
    if (continueToken != null && !continueToken.isEmpty()) {
      ContinueToken.Position position = ContinueToken.decode(continueToken, prefix);
      startAfter = position.startAfter();
      at = position.revision() == ContinueToken.CURRENT ? 0 : position.revision();
      if (at > store.currentRevision()) {
        throw ApiException.badRequest("invalid continue token: continue key is not valid: resourceVersion "
            + at + " is newer than this server's " + store.currentRevision());
      }
    }
    try {
      return page(type, prefix, startAfter, at, labels, fields, limit);
    } catch (CompactedException e) {
      if (startAfter == null) {
        throw ApiException.gone("The resourceVersion for the provided list is too old.");
      }
      String token = ContinueToken.encode(ContinueToken.CURRENT, prefix, startAfter);
      // kube-apiserver's words end with the token itself
      throw ApiException.gone(INCONSISTENT_CONTINUE + token, token);
    }
  }

  private ListResult page(ResourceType type, String prefix, String startAfter, long revision, LabelSelector labels,
      FieldSelector fields, int limit) throws CompactedException {
    List<ObjectNode> items = new ArrayList<>();
    long at = revision;
    int pageSize = limit > 0 ? Math.max(limit, 100) : 0;
    String lastKey = startAfter;
    boolean more;
    do {
      RangeResult page = store.range(prefix, lastKey, pageSize, at);
      at = page.revision();
      more = page.more();
      for (int i = 0; i < page.kvs().size(); i++) {
        KeyValue kv = page.kvs().get(i);
        lastKey = kv.key();
        // selectors name the stored representation's fields (see Selectors.fields)
        ObjectNode stored = StoredObjects.decode(kv);
        if (!matches(stored, labels, fields)) {
          continue;
        }
        items.add(StoredObjects.view(type, stored));
        if (limit > 0 && items.size() == limit) {
          if (!more && i == page.kvs().size() - 1) {
            return new ListResult(items, at, null, null);
          }
          // remainingItemCount, as kube-apiserver gives it: only when no selector filters the list
          Long remaining = labels == null && fields == null ? store.count(prefix, kv.key(), at) : null;
          return new ListResult(items, at, ContinueToken.encode(at, prefix, kv.key()), remaining);
        }
      }
    } while (more);
    return new ListResult(items, at, null, null);
  }

  static boolean matches(ObjectNode object, LabelSelector labels, FieldSelector fields) {
    return (labels == null || labels.matches(object.path("metadata").path("labels")))
        && (fields == null || fields.matches(object));
  }

  public ObjectNode create(ResourceType type, String namespace, ObjectNode body) throws ApiException {
    return create(type, namespace, body, TxnParts.NONE, null);
  }

  /** @param applied the managedFields of a server-side apply that creates, or null for an Update */
  private ObjectNode create(ResourceType type, String namespace, ObjectNode body, TxnParts extra, ArrayNode applied)
      throws ApiException {
    ObjectNode object = body.deepCopy();
    normalizeTypeMeta(type, object);
    ObjectNode metadata = ObjectMeta.metadata(object);
    normalizeNamespace(type, namespace, object);
    // admission runs before kube-apiserver generates a name: its refusals name the generateName
    String admissionName = ObjectMeta.name(object);
    if (ObjectMeta.name(object).isEmpty() && !ObjectMeta.text(object, "generateName").isEmpty()) {
      String base = ObjectMeta.text(object, "generateName");
      admissionName = base;
      // apiserver's SimpleNameGenerator: the base is cut so that base and suffix fit in 63 characters
      metadata.put("name", base.substring(0, Math.min(base.length(), 63 - 5)) + randomSuffix());
    }
    UnknownFields.remove(object, TypedDecoding.check(type, object));
    Base64Fields.check(type, object);
    TimeFields.normalize(type, object);
    Defaults.apply(type, object);
    // before the strategy, as kube-apiserver fills the system fields: a Job's generated selector names its uid
    metadata.put("uid", UUID.randomUUID().toString());
    KindRules.prepareForCreate(type, object);
    validate(type, object, ObjectValidator.validateCreate(type, object));
    metadata.put("creationTimestamp", ObjectMeta.timestamp(clock.instant()));
    metadata.remove("resourceVersion");
    metadata.remove("deletionTimestamp");
    metadata.remove("deletionGracePeriodSeconds");
    if (KindRules.tracksGeneration(type)) {
      metadata.put("generation", 1);
    } else {
      metadata.remove("generation");
    }
    setManagedFields(object, applied != null ? applied : updateOwnership(type, null, null, object));
    try {
      if (type.namespaced()) {
        requireLiveNamespace(type, object);
      }
      // after the ownership: what admission sets belongs to no manager, as upstream records it
      for (WritePlugin plugin : plugins) {
        plugin.admitCreate(type, object);
      }
    } catch (ApiException e) {
      throw e.code() == 403 ? e.naming(ObjectMeta.name(object), admissionName) : e;
    }
    String name = ObjectMeta.name(object);
    String key = type.key(namespace, name);
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
      ObjectNode candidate = object.deepCopy();
      TxnParts parts = beforeWrite(type, candidate, null).plus(extra)
          .after(Compare.absent(key), Op.put(key, StoredObjects.encode(type, candidate)));
      if (dryRun) {
        if (store.get(key).isPresent()) {
          throw ApiException.alreadyExists(type, name);
        }
        return candidate;
      }
      TxnResult result = store.txn(parts.compares(), parts.ops());
      if (result.succeeded()) {
        return StoredObjects.decode(type, result.written().get(0));
      }
      if (key.equals(result.failedKey())) {
        throw ApiException.alreadyExists(type, name);
      }
    }
    throw ApiException.conflict(type, name, "too many concurrent writers; try again");
  }

  private TxnParts beforeWrite(ResourceType type, ObjectNode object, ObjectNode old) throws ApiException {
    TxnParts parts = TxnParts.NONE;
    for (WritePlugin plugin : plugins) {
      parts = parts.plus(plugin.beforeWrite(type, object, old));
    }
    return parts;
  }

  private TxnParts beforeRemove(ResourceType type, ObjectNode old) {
    TxnParts parts = TxnParts.NONE;
    for (WritePlugin plugin : plugins) {
      parts = parts.plus(plugin.beforeRemove(type, old));
    }
    return parts;
  }

  private TxnResult remove(ResourceType type, KeyValue current) {
    ObjectNode old = StoredObjects.decode(type, current);
    TxnParts parts = beforeRemove(type, old)
        .plus(AppliedConfigurations.release(store, type, ObjectMeta.namespace(old), ObjectMeta.name(old)))
        .after(Compare.modRevision(current.key(), current.modRevision()), Op.delete(current.key()));
    return store.txn(parts.compares(), parts.ops());
  }

  /** PUT of the main resource or of the {@code status} subresource. */
  public ObjectNode update(ResourceType type, String namespace, String name, ObjectNode body, String subresource)
      throws ApiException {
    String pinned = ObjectMeta.text(body, "resourceVersion");
    if (!ObjectMeta.name(body).isEmpty() && !ObjectMeta.name(body).equals(name)) {
      throw ApiException.nameMismatch(ObjectMeta.name(body), name);
    }
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
      KeyValue current = store.get(type.key(namespace, name)).orElseThrow(() -> ApiException.notFound(type, name));
      if (pinned.isEmpty() && !KindRules.allowsUnconditionalUpdate(type)) {
        throw unconditionalUpdate(type, name);
      }
      ObjectNode old = StoredObjects.decode(type, current);
      String uid = ObjectMeta.text(body, "uid");
      if (!uid.isEmpty() && !uid.equals(ObjectMeta.text(old, "uid"))) {
        // the object's uid is a precondition of the update, as in kube-apiserver's UpdatedObjectInfo
        throw ApiException.conflict(type, name, "Precondition failed: UID in precondition: " + uid
            + ", UID in object meta: " + ObjectMeta.text(old, "uid"));
      }
      if (!pinned.isEmpty() && !pinned.equals(Long.toString(current.modRevision()))) {
        throw staleVersion(type, name);
      }
      Optional<ObjectNode> written =
          write(type, namespace, name, body.deepCopy(), old, current, subresource, TxnParts.NONE, null);
      if (written.isPresent()) {
        return written.get();
      }
      // the next read answers 409 if the object itself changed; a plugin's compare that failed (a quota
      // charged, an address taken meanwhile) is tried again from fresh reads, as an unpinned update is
    }
    throw ApiException.conflict(type, name, "too many concurrent writers; try again");
  }

  /** The generic store's 422, which names the kind by its resource ({@code leases.coordination.k8s.io}). */
  private static ApiException unconditionalUpdate(ResourceType type, String name) {
    ObjectNode details = Json.object().put("name", name).put("group", type.group()).put("kind", type.plural());
    details.putArray("causes").addObject().put("reason", "FieldValueInvalid")
        .put("message", "Invalid value: 0x0: must be specified for an update").put("field", "metadata.resourceVersion");
    return ApiException.invalid(type, name, type.qualifiedName() + " \"" + name + "\" is invalid: metadata.resourceVersion:"
        + " Invalid value: 0x0: must be specified for an update", details);
  }

  /** PATCH of the main resource or of a subresource; server-side apply creates missing objects. */
  public PatchOutcome patch(ResourceType type, String namespace, String name, PatchType patchType, JsonNode patch,
      String subresource) throws ApiException {
    return patch(type, namespace, name, patchType, patch, subresource, null);
  }

  /**
   * PATCH as {@code fieldManager} (null: this registry's manager). A server-side apply records the
   * manager's ownership and answers 409 when it would change fields other managers own, unless
   * {@code force}.
   */
  public PatchOutcome patch(ResourceType type, String namespace, String name, PatchType patchType, JsonNode patch,
      String subresource, String fieldManager) throws ApiException {
    return patch(type, namespace, name, patchType, patch, subresource, fieldManager, false);
  }

  public PatchOutcome patch(ResourceType type, String namespace, String name, PatchType patchType, JsonNode patch,
      String subresource, String fieldManager, boolean force) throws ApiException {
    if (fieldManager != null && !fieldManager.isBlank() && !fieldManager.equals(manager)) {
      return as(fieldManager).patch(type, namespace, name, patchType, patch, subresource, null, force);
    }
    boolean apply = patchType == PatchType.APPLY_PATCH && (subresource == null || "status".equals(subresource));
    if (apply && patch.path("metadata").has("managedFields") && !patch.path("metadata").get("managedFields").isNull()) {
      throw ApiException.badRequest("metadata.managedFields must be nil");
    }
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
      Optional<KeyValue> found = store.get(type.key(namespace, name));
      if (found.isEmpty()) {
        if (apply && subresource == null && patch instanceof ObjectNode configuration) {
          String uid = ObjectMeta.text(configuration, "uid");
          if (!uid.isEmpty()) {
            throw ApiException.conflict(type, name, "uid mismatch: the provided object specified uid " + uid
                + ", and no existing object was found");
          }
          String appliedName = ObjectMeta.name(configuration);
          if (!appliedName.isEmpty() && !appliedName.equals(name)) {
            throw ApiException.nameMismatch(appliedName, name);
          }
          ObjectNode object = configuration.deepCopy();
          ObjectMeta.metadata(object).put("name", name);
          ObjectMeta.metadata(object).remove("managedFields");
          FieldManager.Applied applied = applyOwnership(type, null, Json.object(), object, configuration, force,
              List.of());
          return new PatchOutcome(create(type, namespace, object, TxnParts.NONE, applied.managedFields()), true);
        }
        throw ApiException.notFound(type, name);
      }
      KeyValue current = found.get();
      ObjectNode old = StoredObjects.decode(type, current);
      ObjectNode patched;
      ArrayNode applied = null;
      TxnParts extra = TxnParts.NONE;
      try {
        patched = Patches.apply(patchType, type, old, patch);
        if (apply) {
          Map<String, JsonNode> legacy = old.path("metadata").has("managedFields")
              ? Map.of() : AppliedConfigurations.all(store, type, namespace, name);
          FieldManager fields = FieldManager.of(type, subresource);
          List<ManagedFieldsEntry> adopted = new ArrayList<>();
          legacy.forEach((who, configuration) -> adopted.add(fields.legacyApplier(who, configuration)));
          FieldManager.Applied result = applyOwnership(type, subresource, old, patched, patch, force, adopted);
          patched = result.object();
          applied = result.managedFields();
          if (!legacy.isEmpty()) {
            extra = AppliedConfigurations.release(store, type, namespace, name);
          }
        }
      } catch (PatchException e) {
        throw new ApiException(422, "Invalid", e.getMessage(), null);
      }
      String pinned = ObjectMeta.text(patched, "resourceVersion");
      if (!pinned.isEmpty() && !pinned.equals(Long.toString(current.modRevision()))) {
        throw staleVersion(type, name);
      }
      if (!ObjectMeta.name(patched).equals(name)) {
        throw ApiException.nameMismatch(ObjectMeta.name(patched), name);
      }
      Optional<ObjectNode> written = write(type, namespace, name, patched, old, current, subresource, extra, applied);
      if (written.isPresent()) {
        return new PatchOutcome(written.get(), false);
      }
    }
    throw ApiException.conflict(type, name, "too many concurrent writers; try again");
  }

  private FieldManager.Applied applyOwnership(ResourceType type, String subresource, ObjectNode live,
      ObjectNode merged, JsonNode configuration, boolean force, List<ManagedFieldsEntry> legacy) throws ApiException {
    try {
      return FieldManager.of(type, subresource)
          .apply(live, merged, configuration, manager, force, legacy, ObjectMeta.timestamp(clock.instant()));
    } catch (FieldConflicts e) {
      ObjectNode details = Json.object();
      ArrayNode causes = details.putArray("causes");
      for (FieldConflicts.Conflict conflict : e.conflicts()) {
        ObjectNode cause = causes.addObject();
        cause.put("type", FieldConflicts.CAUSE_TYPE);
        cause.put("message", "conflict with " + conflict.manager());
        cause.put("field", conflict.field());
      }
      throw new ApiException(409, "Conflict", e.getMessage(), details);
    } catch (IllegalArgumentException e) {
      throw new ApiException(500, "InternalError", "the stored managedFields cannot be read: " + e.getMessage(), null);
    }
  }

  /** The managedFields after a non-apply write by this registry's manager (null: none). */
  private ArrayNode updateOwnership(ResourceType type, String subresource, ObjectNode old, ObjectNode next)
      throws ApiException {
    String recorded = subresource != null ? subresource : managedSubresource;
    try {
      return FieldManager.of(type, recorded)
          .update(old, next, client, manager, ObjectMeta.timestamp(clock.instant()));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(type, ObjectMeta.name(next),
          type.kind() + " \"" + ObjectMeta.name(next) + "\" is invalid: " + e.getMessage(), null);
    }
  }

  private static void setManagedFields(ObjectNode object, ArrayNode managedFields) {
    if (managedFields == null || managedFields.isEmpty()) {
      ObjectMeta.metadata(object).remove("managedFields");
    } else {
      ObjectMeta.metadata(object).set("managedFields", managedFields);
    }
  }

  /** A patched object, and whether the patch created it (server-side apply of a missing object). */
  public record PatchOutcome(ObjectNode object, boolean created) {}

  /**
   * Writes {@code updated} over {@code old} unless the key moved on meanwhile (then empty, so the
   * caller retries from a fresh read).
   */
  private Optional<ObjectNode> write(ResourceType type, String namespace, String name, ObjectNode updated,
      ObjectNode old, KeyValue current, String subresource, TxnParts extra, ArrayNode applied) throws ApiException {
    normalizeTypeMeta(type, updated);
    normalizeNamespace(type, namespace, updated);
    Base64Fields.check(type, updated);
    TimeFields.normalize(type, updated);
    ObjectNode next;
    if ("finalize".equals(subresource)) {
      // a namespace's FinalizeREST: spec.finalizers, and nothing else, from the body
      next = old.deepCopy();
      JsonNode finalizers = updated.path("spec").path("finalizers");
      if (finalizers.isArray() && !finalizers.isEmpty()) {
        Defaults.spec(next).set("finalizers", finalizers.deepCopy());
      } else {
        Defaults.spec(next).remove("finalizers");
      }
    } else if ("status".equals(subresource)) {
      next = old.deepCopy();
      if (updated.has("status")) {
        next.set("status", updated.get("status"));
      } else {
        next.remove("status");
      }
      for (String field : KindRules.metadataKeptByStatus(type)) {
        JsonNode value = updated.path("metadata").get(field);
        if (value != null && !value.isNull()) {
          ObjectMeta.metadata(next).set(field, value);
        } else {
          ObjectMeta.metadata(next).remove(field);
        }
      }
      Defaults.apply(type, next);
      UnknownFields.remove(next, UnknownFields.find(type, next));
    } else {
      next = updated;
      if (KindRules.hasStatusSubresource(type)) {
        if (old.has("status")) {
          // a copy: plugins may change the new status, and must still see the old one
          next.set("status", old.get("status").deepCopy());
        } else {
          next.remove("status");
        }
      }
      UnknownFields.remove(next, TypedDecoding.check(type, next));
      Defaults.apply(type, next);
      for (WritePlugin plugin : plugins) {
        plugin.prepareForUpdate(type, next, old);
      }
    }
    ObjectNode metadata = ObjectMeta.metadata(next);
    ObjectNode oldMetadata = ObjectMeta.metadata(old);
    for (String field : new String[] {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
        "generation", "name", "namespace"}) {
      if (field.equals("uid") && !ObjectMeta.text(next, "uid").isEmpty()) {
        continue; // a uid the writer names is kept for update validation, which refuses another one
      }
      if (oldMetadata.has(field)) {
        metadata.set(field, oldMetadata.get(field));
      } else {
        metadata.remove(field);
      }
    }
    if (type == ResourceTypes.NAMESPACES && subresource == null) {
      next.set("spec", old.get("spec")); // spec.finalizers change only through /finalize
    }
    // the writer owns what it wrote, not what the strategy then sets (a DaemonSet's templateGeneration)
    ArrayNode owned = applied != null ? applied : updateOwnership(type, subresource, old, next);
    KindRules.prepareForUpdate(type, subresource, next, old);
    if (KindRules.tracksGeneration(type) && KindRules.specChanged(type, subresource, next, old)) {
      metadata.put("generation", oldMetadata.path("generation").asLong(0) + 1);
    }
    setManagedFields(next, owned);
    metadata.put("resourceVersion", Long.toString(current.modRevision()));
    String key = type.key(namespace, name);
    if (SameContent.same(next, old)) {
      if (!extra.ops().isEmpty() && !dryRun) {
        TxnParts parts = new TxnParts(List.of(Compare.modRevision(key, current.modRevision())), List.of()).plus(extra);
        if (!store.txn(parts.compares(), parts.ops()).succeeded()) {
          return Optional.empty();
        }
      }
      return Optional.of(old);
    }
    validate(type, next, ObjectValidator.validateUpdate(type, next, asDefaulted(type, old)));
    boolean finalize = KindRules.deleteDuringUpdate(type, next, old);
    if (dryRun) {
      beforeWrite(type, next, old);
      return Optional.of(next);
    }
    TxnResult result;
    if (finalize) {
      result = remove(type, current);
    } else {
      TxnParts parts = beforeWrite(type, next, old).plus(extra);
      parts = parts.after(Compare.modRevision(key, current.modRevision()), Op.put(key, StoredObjects.encode(type, next)));
      result = store.txn(parts.compares(), parts.ops());
    }
    if (!result.succeeded()) {
      return Optional.empty();
    }
    return Optional.of(StoredObjects.decode(type, result.written().get(0)));
  }

  public ObjectNode delete(ResourceType type, String namespace, String name, DeleteOptions options)
      throws ApiException {
    if (type == ResourceTypes.NAMESPACES && IMMORTAL_NAMESPACES.contains(name)) {
      throw ApiException.forbidden(type, name, "this namespace may not be deleted"); // NamespaceLifecycle admission
    }
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
      KeyValue current = store.get(type.key(namespace, name)).orElseThrow(() -> ApiException.notFound(type, name));
      ObjectNode object = StoredObjects.decode(type, current);
      checkPreconditions(type, name, object, options);
      Optional<ObjectNode> marked = markForDeletion(type, object, options).map(m -> withGenerationBumped(object, m));
      if (dryRun) {
        return marked.orElse(object);
      }
      TxnResult result = marked.isPresent()
          ? store.update(current.key(), StoredObjects.encode(type, marked.get()), current.modRevision())
          : remove(type, current);
      if (result.succeeded()) {
        return StoredObjects.decode(type, result.written().get(0));
      }
    }
    throw ApiException.conflict(type, name, "too many concurrent writers; try again");
  }

  /**
   * As kube-apiserver's markAsDeleting: the first deletion mark raises a tracked generation, so that
   * controllers that compare it with their observedGeneration see the change.
   */
  private static ObjectNode withGenerationBumped(ObjectNode before, ObjectNode marked) {
    long generation = before.path("metadata").path("generation").asLong(0);
    if (generation > 0 && !ObjectMeta.isDeleting(before) && ObjectMeta.isDeleting(marked)) {
      ObjectMeta.metadata(marked).put("generation", generation + 1);
    }
    return marked;
  }

  /**
   * The object to keep with a deletion mark, or empty to delete at once: namespaces terminate,
   * objects with finalizers wait for them, and pods bound to a node get their grace period.
   */
  private Optional<ObjectNode> markForDeletion(ResourceType type, ObjectNode object, DeleteOptions options) {
    ObjectNode marked = object.deepCopy();
    ObjectNode metadata = ObjectMeta.metadata(marked);
    Instant now = clock.instant();
    String propagation = options.propagationPolicy() != null ? options.propagationPolicy()
        : KindRules.defaultPropagation(type);
    if (type != ResourceTypes.NAMESPACES && propagation != null) {
      propagationFinalizer(metadata, propagation);
    }
    if (type == ResourceTypes.NAMESPACES) {
      if (!metadata.has("deletionTimestamp")) {
        metadata.put("deletionTimestamp", ObjectMeta.timestamp(now));
        metadata.put("deletionGracePeriodSeconds", 0);
      }
      marked.putObject("status").put("phase", "Terminating");
      return Optional.of(marked);
    }
    if (type == ResourceTypes.PODS) {
      long grace = options.gracePeriodSeconds() != null
          ? options.gracePeriodSeconds()
          : marked.path("spec").path("terminationGracePeriodSeconds").asLong(30);
      String node = marked.path("spec").path("nodeName").asText("");
      boolean nodeExists = !node.isEmpty() && store.get(ResourceTypes.NODES.key(null, node)).isPresent();
      if (grace <= 0 || !nodeExists) {
        if (!ObjectMeta.hasFinalizers(marked)) {
          return Optional.empty();
        }
        // held by finalizers: a grace period cut to 0 (the node agent's final delete) is recorded,
        // so that the pod goes when its last finalizer does
        if (metadata.path("deletionGracePeriodSeconds").asLong(-1) != 0) {
          metadata.put("deletionTimestamp", ObjectMeta.timestamp(now));
          metadata.put("deletionGracePeriodSeconds", 0);
        }
        return Optional.of(marked);
      }
      Instant deadline = now.plusSeconds(grace);
      String existing = ObjectMeta.text(marked, "deletionTimestamp");
      if (existing.isEmpty() || Instant.parse(existing).isAfter(deadline)) {
        metadata.put("deletionTimestamp", ObjectMeta.timestamp(deadline));
        metadata.put("deletionGracePeriodSeconds", grace);
      }
      return Optional.of(marked);
    }
    if (ObjectMeta.hasFinalizers(marked)) {
      if (!metadata.has("deletionTimestamp")) {
        metadata.put("deletionTimestamp", ObjectMeta.timestamp(now));
        metadata.put("deletionGracePeriodSeconds", 0);
      }
      return Optional.of(marked);
    }
    return Optional.empty();
  }

  /**
   * POST {@code pods/{name}/binding}: assigns a pending pod to a node (see {@link PodBinding}).
   * Pod update validation forbids changing {@code spec.nodeName}, so, as kube-apiserver's
   * BindingREST, this writes the stored pod directly (write plugins still join the transaction).
   */
  public ObjectNode bind(String namespace, String name, ObjectNode binding) throws ApiException {
    PodBinding request = PodBinding.parse(name, binding);
    String key = ResourceTypes.PODS.key(namespace, name);
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
      KeyValue current = store.get(key).orElseThrow(() -> ApiException.notFound(ResourceTypes.PODS, name));
      ObjectNode old = StoredObjects.decode(ResourceTypes.PODS, current);
      ObjectNode next = request.apply(old, clock.instant());
      TxnParts parts = beforeWrite(ResourceTypes.PODS, next, old)
          .after(Compare.modRevision(key, current.modRevision()),
              Op.put(key, StoredObjects.encode(ResourceTypes.PODS, next)));
      if (dryRun) {
        return next;
      }
      TxnResult result = store.txn(parts.compares(), parts.ops());
      if (result.succeeded()) {
        return StoredObjects.decode(ResourceTypes.PODS, result.written().get(0));
      }
    }
    throw ApiException.conflict(ResourceTypes.PODS, name, "too many concurrent writers; try again");
  }

  /**
   * kube-apiserver's {@code deletionFinalizersForGarbageCollection}: {@code Orphan} puts the
   * {@value DeleteOptions#ORPHAN_FINALIZER} finalizer on the object (the garbage collector orphans
   * the dependents, then removes it), {@code Foreground} the
   * {@value DeleteOptions#FOREGROUND_FINALIZER} finalizer (the collector deletes the dependents and
   * removes it once none that blocks its owner's deletion is left), {@code Background} neither.
   * Pods too: they may own claims and whatever a client hangs on them.
   */
  private static void propagationFinalizer(ObjectNode metadata, String policy) {
    String wanted = switch (policy) {
      case "Orphan" -> DeleteOptions.ORPHAN_FINALIZER;
      case "Foreground" -> DeleteOptions.FOREGROUND_FINALIZER;
      default -> null;
    };
    com.fasterxml.jackson.databind.node.ArrayNode kept = Json.MAPPER.createArrayNode();
    boolean changed = false;
    for (JsonNode finalizer : metadata.path("finalizers")) {
      String name = finalizer.asText();
      boolean gcFinalizer = name.equals(DeleteOptions.ORPHAN_FINALIZER) || name.equals(DeleteOptions.FOREGROUND_FINALIZER);
      if (gcFinalizer && !name.equals(wanted)) {
        changed = true;
      } else {
        kept.add(finalizer);
        if (name.equals(wanted)) {
          wanted = null;
        }
      }
    }
    if (wanted != null) {
      kept.add(wanted);
      changed = true;
    }
    if (!changed) {
      return;
    }
    if (kept.isEmpty()) {
      metadata.remove("finalizers");
    } else {
      metadata.set("finalizers", kept);
    }
  }

  /** Removes an object whatever its marks: the last step of namespace and pod termination. */
  public boolean forceDelete(ResourceType type, String namespace, String name) {
    Optional<KeyValue> current = store.get(type.key(namespace, name));
    return current.isPresent() && remove(type, current.get()).succeeded();
  }

  private static void checkPreconditions(ResourceType type, String name, ObjectNode object, DeleteOptions options)
      throws ApiException {
    if (options.preconditionUid() != null && !options.preconditionUid().equals(ObjectMeta.text(object, "uid"))) {
      throw ApiException.conflict(type, name, "Precondition failed: UID in precondition: "
          + options.preconditionUid() + ", UID in object meta: " + ObjectMeta.text(object, "uid"));
    }
    if (options.preconditionVersion() != null
        && !options.preconditionVersion().equals(ObjectMeta.text(object, "resourceVersion"))) {
      throw ApiException.conflict(type, name, "Precondition failed: ResourceVersion in precondition: "
          + options.preconditionVersion() + ", ResourceVersion in object meta: "
          + ObjectMeta.text(object, "resourceVersion"));
    }
  }

  private void requireLiveNamespace(ResourceType type, ObjectNode object) throws ApiException {
    String namespace = ObjectMeta.namespace(object);
    Optional<ObjectNode> ns = find(ResourceTypes.NAMESPACES, null, namespace);
    if (ns.isEmpty()) {
      throw ApiException.notFound(ResourceTypes.NAMESPACES, namespace);
    }
    if (ObjectMeta.isDeleting(ns.get())) {
      throw ApiException.namespaceTerminating(type, ObjectMeta.name(object), namespace);
    }
  }

  private static void normalizeTypeMeta(ResourceType type, ObjectNode object) throws ApiException {
    String apiVersion = object.path("apiVersion").asText("");
    String kind = object.path("kind").asText("");
    if (!apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion())) {
      throw ApiException.badRequest("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + type.apiVersion() + ")");
    }
    if (!kind.isEmpty() && !kind.equals(type.kind())) {
      throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
          + type.kind() + ")");
    }
    ObjectNode ordered = Json.object();
    ordered.put("apiVersion", type.apiVersion());
    ordered.put("kind", type.kind());
    object.remove("apiVersion");
    object.remove("kind");
    ordered.setAll(object);
    object.removeAll();
    object.setAll(ordered);
    if (!(object.get("metadata") instanceof ObjectNode metadata)) {
      object.putObject("metadata");
      return;
    }
    // ObjectMeta's maps and lists are omitempty: an emptied one (kubectl label x a-) is not kept
    for (String field : new String[] {"labels", "annotations", "finalizers", "ownerReferences"}) {
      JsonNode value = metadata.get(field);
      if (value != null && (value.isNull() || (value.isContainerNode() && value.isEmpty()))) {
        metadata.remove(field);
      }
    }
  }

  private static void normalizeNamespace(ResourceType type, String namespace, ObjectNode object) throws ApiException {
    ObjectNode metadata = ObjectMeta.metadata(object);
    if (!type.namespaced()) {
      metadata.remove("namespace");
      return;
    }
    String given = ObjectMeta.namespace(object);
    if (!given.isEmpty() && !given.equals(namespace)) {
      throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on "
          + "the request");
    }
    metadata.put("namespace", namespace);
  }

  /**
   * A stored pod as kube-apiserver would decode it, with today's defaults: one stored before a
   * default was added would otherwise seem changed by every update, its status included.
   */
  private static ObjectNode asDefaulted(ResourceType type, ObjectNode old) {
    if (type != ResourceTypes.PODS) {
      return old;
    }
    ObjectNode defaulted = old.deepCopy();
    Defaults.apply(type, defaulted);
    return defaulted;
  }

  /** Throws kube-apiserver's 422 naming every error, if there are any. */
  static void validate(ResourceType type, ObjectNode object, List<FieldError> errors) throws ApiException {
    if (errors.isEmpty()) {
      return;
    }
    String name = ObjectMeta.name(object);
    ObjectNode details = Json.object();
    details.put("name", name);
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.kind());
    var causes = details.putArray("causes");
    for (FieldError error : errors) {
      ObjectNode cause = causes.addObject();
      cause.put("reason", error.type().reason());
      cause.put("message", error.body());
      cause.put("field", error.field());
    }
    throw ApiException.invalid(type, name, ObjectValidator.invalidMessage(type, name, errors), details);
  }

  private ApiException staleVersion(ResourceType type, String name) {
    return ApiException.conflict(type, name,
        "the object has been modified; please apply your changes to the latest version and try again");
  }

  private String randomSuffix() {
    StringBuilder suffix = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      suffix.append(NAME_SUFFIX_ALPHABET.charAt(RANDOM.nextInt(NAME_SUFFIX_ALPHABET.length())));
    }
    return suffix.toString();
  }
}
