package io.gantry.control.server.controller.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.deployment.PodTemplates;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.json.SameContent;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A controller's ControllerRevisions (upstream's {@code history.Interface} and the helpers the
 * DaemonSet and StatefulSet controllers share): listing those an owner controls, the template hash
 * and revision numbers, creating a revision and pruning old ones.
 *
 * <p>A revision is named {@code <owner>-<hash>}, carries the template's labels plus
 * {@value #HASH_LABEL} (so that the owner's selector finds it, as {@code kubectl rollout history}
 * lists them), the owner's annotations (its {@code kubernetes.io/change-cause}) and a controller
 * reference; its {@code data} is whatever the controller records (a DaemonSet its template patch).
 * The hash is the one Deployments use ({@link PodTemplates#hash}): stable, not bit-identical to Go's.
 */
public final class ControllerHistory {

  /** The label that ties revisions and pods to one template (apps/v1 {@code ControllerRevisionHashLabelKey}). */
  public static final String HASH_LABEL = "controller-revision-hash";

  private ControllerHistory() {}

  /** {@code controller.ComputeHash} of a template, with the owner's {@code status.collisionCount} (or null). */
  public static String hash(JsonNode template, Integer collisionCount) {
    return PodTemplates.hash(template, collisionCount);
  }

  /** The revisions in the owner's namespace that it controls, by ascending {@code revision}, then name. */
  public static List<ObjectNode> controlledBy(Informer revisions, ObjectNode owner) {
    String uid = ObjectMeta.text(owner, "uid");
    List<ObjectNode> owned = new ArrayList<>();
    for (ObjectNode revision : revisions.list(ObjectMeta.namespace(owner))) {
      if (OwnerReferences.isControlledBy(revision, uid)) {
        owned.add(revision);
      }
    }
    owned.sort(BY_REVISION);
    return owned;
  }

  /** Ascending {@code revision}, ties by name (upstream's {@code historiesByRevision}). */
  public static final Comparator<ObjectNode> BY_REVISION = Comparator
      .comparingLong((ObjectNode r) -> revision(r)).thenComparing(ObjectMeta::name);

  public static long revision(ObjectNode revision) {
    return revision.path("revision").asLong(0);
  }

  /** The highest revision number, 0 for none. */
  public static long maxRevision(Collection<ObjectNode> revisions) {
    return revisions.stream().mapToLong(ControllerHistory::revision).max().orElse(0);
  }

  /** Whether the revision records exactly this data (upstream compares the serialized patch). */
  public static boolean records(ObjectNode revision, JsonNode data) {
    return SameContent.same(revision.path("data"), data);
  }

  /**
   * Creates revision {@code number} of the owner's template: {@code <owner>-<hash>}, labelled with
   * {@code templateLabels} and the hash. Throws the registry's 409 AlreadyExists on a name collision.
   */
  public static ObjectNode create(ObjectRegistry registry, ResourceType ownerType, ObjectNode owner,
      JsonNode templateLabels, String hash, JsonNode data, long number) throws ApiException {
    Objects.requireNonNull(hash, "hash");
    ObjectNode revision = Json.object();
    revision.put("apiVersion", "apps/v1");
    revision.put("kind", "ControllerRevision");
    ObjectNode metadata = revision.putObject("metadata");
    metadata.put("name", ObjectMeta.name(owner) + "-" + hash);
    metadata.put("namespace", ObjectMeta.namespace(owner));
    ObjectNode labels = templateLabels instanceof ObjectNode l ? l.deepCopy() : Json.object();
    labels.put(HASH_LABEL, hash);
    metadata.set("labels", labels);
    JsonNode annotations = owner.path("metadata").get("annotations");
    if (annotations instanceof ObjectNode a && !a.isEmpty()) {
      metadata.set("annotations", a.deepCopy());
    }
    metadata.putArray("ownerReferences").add(OwnerReferences.controllerRef(ownerType, owner));
    revision.set("data", data.deepCopy());
    revision.put("revision", number);
    return registry.create(ResourceTypes.CONTROLLERREVISIONS, ObjectMeta.namespace(owner), revision);
  }

  /** Renumbers a revision (when an old template becomes current again), returning the stored revision. */
  public static ObjectNode renumber(ObjectRegistry registry, ObjectNode revision, long number) throws ApiException {
    ObjectNode body = revision.deepCopy();
    body.put("revision", number);
    return registry.update(ResourceTypes.CONTROLLERREVISIONS, ObjectMeta.namespace(revision), ObjectMeta.name(revision),
        body, null);
  }

  /**
   * Deletes the oldest of {@code old} beyond {@code limit}, skipping those whose hash live pods still
   * carry (upstream's {@code cleanupHistory}). Returns how many it deleted.
   */
  public static int prune(ObjectRegistry registry, List<ObjectNode> old, int limit, Set<String> liveHashes)
      throws ApiException {
    int toKill = old.size() - Math.max(limit, 0);
    if (toKill <= 0) {
      return 0;
    }
    List<ObjectNode> oldest = new ArrayList<>(old);
    oldest.sort(BY_REVISION);
    int deleted = 0;
    for (ObjectNode revision : oldest) {
      if (toKill <= 0) {
        break;
      }
      if (liveHashes.contains(revision.path("metadata").path("labels").path(HASH_LABEL).asText(""))) {
        continue;
      }
      try {
        registry.delete(ResourceTypes.CONTROLLERREVISIONS, ObjectMeta.namespace(revision), ObjectMeta.name(revision),
            new DeleteOptions(null, ObjectMeta.text(revision, "uid"), null, null));
        deleted++;
      } catch (ApiException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
      toKill--;
    }
    return deleted;
  }
}
