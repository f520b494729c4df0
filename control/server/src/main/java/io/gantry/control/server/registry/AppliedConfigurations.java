package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.Op;
import io.gantry.control.server.store.Store;
import java.util.ArrayList;
import java.util.List;

/**
 * Where server-side apply keeps each field manager's last applied configuration: beside the
 * object in the store, written and removed in the object's own transactions, and invisible in
 * the API. This is the simple form of field ownership: a manager owns what it last applied.
 */
final class AppliedConfigurations {

  private static final String ROOT = "/registry/applied";

  private AppliedConfigurations() {}

  static String key(ResourceType type, String namespace, String name, String fieldManager) {
    String manager = fieldManager == null || fieldManager.isBlank() ? "unknown" : fieldManager;
    return prefix(type, namespace, name) + manager.replace('/', '_');
  }

  static JsonNode previous(Store store, String key) {
    return store.get(key).map(kv -> (JsonNode) Json.parseObject(kv.value())).orElse(null);
  }

  /** Deletes every manager's configuration of an object that leaves the store. */
  static TxnParts release(Store store, ResourceType type, String namespace, String name) {
    List<Op> ops = new ArrayList<>();
    for (KeyValue kv : store.range(prefix(type, namespace, name), null, 0).kvs()) {
      ops.add(Op.delete(kv.key()));
    }
    return ops.isEmpty() ? TxnParts.NONE : new TxnParts(List.of(), ops);
  }

  private static String prefix(ResourceType type, String namespace, String name) {
    return ROOT + type.key(namespace, name).substring("/registry".length()) + "/";
  }
}
