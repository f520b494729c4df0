package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.store.KeyValue;

/**
 * Converts between stored bytes and API objects. The stored form has no {@code resourceVersion}:
 * it is the key's modification revision, set on the way out, as kube-apiserver does with etcd.
 */
final class StoredObjects {

  private StoredObjects() {}

  static ObjectNode decode(KeyValue kv) {
    ObjectNode object = Json.parseObject(kv.value());
    ObjectMeta.metadata(object).put("resourceVersion", Long.toString(kv.modRevision()));
    return object;
  }

  static byte[] encode(ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    ObjectMeta.metadata(copy).remove("resourceVersion");
    return Json.bytes(copy);
  }
}
