package io.gantry.control.server.controller.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.LabelSelector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ControllerRevisions of one owner, as upstream's {@code pkg/controller/history}: a revision is
 * named {@code <owner>-<hash>} (the hash of its {@code data} and the owner's collision count, as
 * {@code HashControllerRevision}), carries the template's labels plus {@code controller.kubernetes.io/hash},
 * a controller reference to its owner and a {@code revision} number; equal data means an equal revision.
 *
 * <p>Stateless: every method works on the revisions passed in and writes through the given registry.
 */
public final class ControllerHistory {

  /** The label upstream's NewControllerRevision puts on every revision. */
  public static final String HASH_LABEL = "controller.kubernetes.io/hash";

  /** {@code rand.SafeEncodeString}'s alphabet: no vowels, no look-alike characters. */
  private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";
  private static final int MAX_PREFIX = 223;

  private ControllerHistory() {}

  /**
   * {@code HashControllerRevision}: FNV-1 (32 bits) over the data's bytes and the decimal collision
   * count, its decimal value encoded with the safe alphabet.
   */
  public static String hash(JsonNode data, Integer collisionCount) {
    int h = 0x811c9dc5;
    byte[] bytes = Json.bytes(canonical(data));
    for (byte b : bytes) {
      h *= 0x01000193;
      h ^= b & 0xff;
    }
    if (collisionCount != null) {
      for (byte b : Integer.toString(collisionCount).getBytes(StandardCharsets.US_ASCII)) {
        h *= 0x01000193;
        h ^= b & 0xff;
      }
    }
    String decimal = Integer.toUnsignedString(h);
    StringBuilder out = new StringBuilder(decimal.length());
    for (char c : decimal.toCharArray()) {
      out.append(SAFE.charAt(c % SAFE.length()));
    }
    return out.toString();
  }

  /** The JSON with every object's keys sorted, as Go writes a decoded map: the bytes the hash is over. */
  public static JsonNode canonical(JsonNode node) {
    if (node instanceof ObjectNode object) {
      ObjectNode sorted = Json.object();
      Map<String, JsonNode> fields = new TreeMap<>();
      object.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
      fields.forEach((k, v) -> sorted.set(k, canonical(v)));
      return sorted;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = Json.object().arrayNode();
      array.forEach(e -> copy.add(canonical(e)));
      return copy;
    }
    return node;
  }

  /**
   * {@code NewControllerRevision}: a revision of {@code owner} holding {@code data}, labelled with the
   * template labels and the hash, named {@code <owner>-<hash>}, with the owner's annotations
   * (upstream's StatefulSet and DaemonSet controllers copy them, so a change-cause shows in
   * {@code kubectl rollout history}).
   */
  public static ObjectNode newRevision(ResourceType ownerType, ObjectNode owner, JsonNode templateLabels,
      JsonNode data, long revision, Integer collisionCount) {
    Objects.requireNonNull(owner, "owner");
    JsonNode canonicalData = canonical(Objects.requireNonNull(data, "data"));
    String hash = hash(canonicalData, collisionCount);
    String prefix = ObjectMeta.name(owner);
    ObjectNode cr = Json.object();
    cr.put("apiVersion", "apps/v1");
    cr.put("kind", "ControllerRevision");
    ObjectNode metadata = cr.putObject("metadata");
    metadata.put("name", (prefix.length() > MAX_PREFIX ? prefix.substring(0, MAX_PREFIX) : prefix) + "-" + hash);
    metadata.put("namespace", ObjectMeta.namespace(owner));
    ObjectNode labels = metadata.putObject("labels");
    if (templateLabels instanceof ObjectNode l) {
      labels.setAll(l.deepCopy());
    }
    labels.put(HASH_LABEL, hash);
    if (owner.path("metadata").get("annotations") instanceof ObjectNode annotations && !annotations.isEmpty()) {
      metadata.set("annotations", annotations.deepCopy());
    }
    metadata.putArray("ownerReferences").add(OwnerReferences.controllerRef(ownerType, owner));
    cr.set("data", canonicalData);
    cr.put("revision", revision);
    return cr;
  }

  /** The revisions {@code owner} controls among {@code all}, oldest (lowest revision) first. */
  public static List<ObjectNode> owned(Collection<ObjectNode> all, ObjectNode owner) {
    String uid = ObjectMeta.text(owner, "uid");
    String namespace = ObjectMeta.namespace(owner);
    List<ObjectNode> owned = new ArrayList<>();
    for (ObjectNode cr : all) {
      if (namespace.equals(ObjectMeta.namespace(cr)) && OwnerReferences.isControlledBy(cr, uid)) {
        owned.add(cr);
      }
    }
    owned.sort(Comparator.comparingLong((ObjectNode cr) -> cr.path("revision").asLong())
        .thenComparing(ObjectMeta::name));
    return owned;
  }

  /**
   * The owner's revisions among {@code inNamespace}, oldest first, after adopting the orphans its selector
   * matches ({@code ClaimControllerRevisions}: a revision without a controller, as {@code kubectl delete
   * --cascade=orphan} leaves them, gets a controller reference to the owner, unless the owner is being
   * deleted), so that a re-created owner finds its old revisions and its pods keep their revision.
   */
  public static List<ObjectNode> claim(ObjectRegistry registry, ResourceType ownerType, ObjectNode owner,
      LabelSelector selector, Collection<ObjectNode> inNamespace) throws ApiException {
    List<ObjectNode> revisions = new ArrayList<>();
    for (ObjectNode cr : inNamespace) {
      if (!ObjectMeta.isDeleting(owner) && !ObjectMeta.isDeleting(cr) && OwnerReferences.controllerOf(cr).isEmpty()
          && selector.matches(cr.path("metadata").path("labels"))) {
        ObjectNode adopted = cr.deepCopy();
        OwnerReferences.add(adopted, OwnerReferences.controllerRef(ownerType, owner));
        revisions.add(registry.update(ResourceTypes.CONTROLLERREVISIONS, ObjectMeta.namespace(cr), ObjectMeta.name(cr),
            adopted, null));
      } else {
        revisions.add(cr);
      }
    }
    return owned(revisions, owner);
  }

  /** {@code NextRevision}: one more than the highest revision number, 1 for none. */
  public static long nextRevision(List<ObjectNode> revisions) {
    return revisions.stream().mapToLong(cr -> cr.path("revision").asLong()).max().orElse(0) + 1;
  }

  /** {@code FindEqualRevisions}: those with the same hash label and the same data. */
  public static List<ObjectNode> equal(List<ObjectNode> revisions, ObjectNode candidate) {
    String hash = candidate.path("metadata").path("labels").path(HASH_LABEL).asText();
    JsonNode data = canonical(candidate.path("data"));
    return revisions.stream().filter(cr -> {
      String label = cr.path("metadata").path("labels").path(HASH_LABEL).asText("");
      return (label.isEmpty() || label.equals(hash)) && canonical(cr.path("data")).equals(data);
    }).toList();
  }

  /**
   * {@code CreateControllerRevision}: creates the revision, or returns the existing one of that name
   * when its data is equal (even one orphaned, not yet adopted); a different one of that name is a hash collision, retried with the
   * collision count raised, which {@code collisionCount[0]} returns for the owner's status.
   */
  public static ObjectNode create(ObjectRegistry registry, ResourceType ownerType, ObjectNode owner,
      JsonNode templateLabels, JsonNode data, long revision, int[] collisionCount) throws ApiException {
    while (true) {
      ObjectNode cr = newRevision(ownerType, owner, templateLabels, data, revision, collisionCount[0]);
      try {
        return registry.create(ResourceTypes.CONTROLLERREVISIONS, ObjectMeta.namespace(owner), cr);
      } catch (ApiException e) {
        if (e.code() != 409) {
          throw e;
        }
        Optional<ObjectNode> existing = registry.find(ResourceTypes.CONTROLLERREVISIONS, ObjectMeta.namespace(owner),
            ObjectMeta.name(cr));
        if (existing.isEmpty()) {
          throw e;
        }
        if (canonical(existing.get().path("data")).equals(cr.get("data"))) {
          return existing.get(); // as upstream: equal data is the same revision, whoever controls it
        }
        collisionCount[0]++;
      }
    }
  }

  /** {@code UpdateControllerRevision}: gives an existing revision a new number (a rollback makes an old one current). */
  public static ObjectNode renumber(ObjectRegistry registry, ObjectNode revision, long number) throws ApiException {
    if (revision.path("revision").asLong() == number) {
      return revision;
    }
    ObjectNode body = revision.deepCopy();
    body.put("revision", number);
    return registry.update(ResourceTypes.CONTROLLERREVISIONS, ObjectMeta.namespace(revision), ObjectMeta.name(revision),
        body, null);
  }

  /**
   * Deletes the oldest revisions beyond {@code limit} among those not {@code live} (names of the
   * current and update revisions and of those pods still run), as upstream's truncateHistory.
   */
  public static void truncate(ObjectRegistry registry, List<ObjectNode> revisions, Set<String> live, int limit)
      throws ApiException {
    List<ObjectNode> history = revisions.stream().filter(cr -> !live.contains(ObjectMeta.name(cr))).toList();
    for (int i = 0; i < history.size() - Math.max(0, limit); i++) {
      ObjectNode cr = history.get(i);
      try {
        registry.delete(ResourceTypes.CONTROLLERREVISIONS, ObjectMeta.namespace(cr), ObjectMeta.name(cr),
            new DeleteOptions(null, ObjectMeta.text(cr, "uid"), null, null));
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409) {
          throw e;
        }
      }
    }
  }
}
