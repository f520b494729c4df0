package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.conversion.Conversions;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.store.KeyValue;

/**
 * Converts between stored bytes and API objects. The stored form has no {@code resourceVersion}:
 * it is the key's modification revision, set on the way out, as kube-apiserver does with etcd. A type
 * stored as another ({@link ResourceType#storage()}) is converted here, on the way in and out, so that
 * the rest of the registry sees the representation the client uses.
 */
final class StoredObjects {

  private StoredObjects() {}

  /** The stored object as it is stored (in its storage type's representation). */
  static ObjectNode decode(KeyValue kv) {
    ObjectNode object = Json.parseObject(kv.value());
    ObjectMeta.metadata(object).put("resourceVersion", Long.toString(kv.modRevision()));
    return object;
  }

  /** The stored object in {@code type}'s representation. */
  static ObjectNode decode(ResourceType type, KeyValue kv) {
    return view(type, decode(kv));
  }

  /** {@code stored}, as {@link #decode(KeyValue)} gave it, in {@code type}'s representation (itself when alike). */
  static ObjectNode view(ResourceType type, ObjectNode stored) {
    return Conversions.of(type).fromStorage(stored);
  }

  /** The bytes to store for {@code object}, given in {@code type}'s representation. */
  static byte[] encode(ResourceType type, ObjectNode object) {
    ObjectNode copy = type.isView() ? Conversions.of(type).toStorage(object) : object.deepCopy();
    ObjectMeta.metadata(copy).remove("resourceVersion");
    return Json.bytes(copy);
  }
}
