package io.gantry.control.server.controller.gc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.resource.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and edits {@code metadata.ownerReferences} on JSON objects, as apimachinery's
 * {@code metav1.GetControllerOf} and {@code NewControllerRef} do.
 */
public final class OwnerReferences {

  private OwnerReferences() {}

  /** The object's owner references (possibly empty). */
  public static List<ObjectNode> of(ObjectNode object) {
    List<ObjectNode> refs = new ArrayList<>();
    JsonNode owners = object.path("metadata").path("ownerReferences");
    for (JsonNode ref : owners) {
      if (ref instanceof ObjectNode o) {
        refs.add(o);
      }
    }
    return refs;
  }

  /** The owner reference with {@code controller: true}, if any. */
  public static Optional<ObjectNode> controllerOf(ObjectNode object) {
    for (ObjectNode ref : of(object)) {
      if (ref.path("controller").asBoolean(false)) {
        return Optional.of(ref);
      }
    }
    return Optional.empty();
  }

  /**
   * The cache key of the owner of kind {@code ownerKind} that controls {@code dependent}, when the
   * informer holds it with the same uid (a namesake with another uid is not the owner).
   */
  public static Optional<String> controllingKey(ObjectNode dependent, String ownerKind,
      io.gantry.control.server.controller.runtime.Informer owners) {
    Optional<ObjectNode> ref = controllerOf(dependent);
    if (ref.isEmpty() || !ownerKind.equals(ref.get().path("kind").asText())) {
      return Optional.empty();
    }
    Optional<ObjectNode> owner = owners.get(io.gantry.control.server.registry.ObjectMeta.namespace(dependent),
        ref.get().path("name").asText());
    if (owner.isEmpty() || !io.gantry.control.server.registry.ObjectMeta.text(owner.get(), "uid")
        .equals(ref.get().path("uid").asText())) {
      return Optional.empty();
    }
    return Optional.of(io.gantry.control.server.controller.runtime.Informer.key(owner.get()));
  }

  /** Whether the object's controller is the owner with this uid. */
  public static boolean isControlledBy(ObjectNode object, String ownerUid) {
    return controllerOf(object).map(ref -> ownerUid.equals(ref.path("uid").asText())).orElse(false);
  }

  /** A controller reference to {@code owner}, as the workload controllers set on what they create. */
  public static ObjectNode controllerRef(ResourceType ownerType, ObjectNode owner) {
    ObjectNode ref = Json.object();
    ref.put("apiVersion", ownerType.apiVersion());
    ref.put("kind", ownerType.kind());
    ref.put("name", ObjectMeta.name(owner));
    ref.put("uid", ObjectMeta.text(owner, "uid"));
    ref.put("controller", true);
    ref.put("blockOwnerDeletion", true);
    return ref;
  }

  /** Appends {@code ref} to the object's owner references (in place), replacing one with the same uid. */
  public static void add(ObjectNode object, ObjectNode ref) {
    String uid = ref.path("uid").asText();
    ArrayNode refs = Json.MAPPER.createArrayNode();
    for (ObjectNode existing : of(object)) {
      if (!uid.equals(existing.path("uid").asText())) {
        refs.add(existing);
      }
    }
    refs.add(ref);
    ObjectMeta.metadata(object).set("ownerReferences", refs);
  }

  /** Removes the references to the owner with this uid (in place); true when one was removed. */
  public static boolean remove(ObjectNode object, String ownerUid) {
    List<ObjectNode> refs = of(object);
    ArrayNode kept = Json.MAPPER.createArrayNode();
    for (ObjectNode ref : refs) {
      if (!ownerUid.equals(ref.path("uid").asText())) {
        kept.add(ref);
      }
    }
    if (kept.size() == refs.size()) {
      return false;
    }
    if (kept.isEmpty()) {
      ObjectMeta.metadata(object).remove("ownerReferences");
    } else {
      ObjectMeta.metadata(object).set("ownerReferences", kept);
    }
    return true;
  }
}
