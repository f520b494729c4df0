package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.Op;
import io.gantry.control.server.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The store layout of older Gantry versions, read only to migrate: each field manager's last
 * applied configuration kept beside the object under {@code /registry/applied/...}. An object
 * written then has no managedFields; its first apply turns these configurations into Apply
 * entries (see {@code FieldManager#apply}) and deletes them in the same transaction, and
 * deleting the object deletes them too.
 */
final class AppliedConfigurations {

  private static final String ROOT = "/registry/applied";

  private AppliedConfigurations() {}

  /** Every manager's configuration of an object, by manager name. */
  static Map<String, JsonNode> all(Store store, ResourceType type, String namespace, String name) {
    String prefix = prefix(type, namespace, name);
    Map<String, JsonNode> configurations = new LinkedHashMap<>();
    for (KeyValue kv : store.range(prefix, null, 0).kvs()) {
      configurations.put(kv.key().substring(prefix.length()), Json.parseObject(kv.value()));
    }
    return configurations;
  }

  /** Deletes every manager's configuration of an object. */
  static TxnParts release(Store store, ResourceType type, String namespace, String name) {
    List<Op> ops = new ArrayList<>();
    for (KeyValue kv : store.range(prefix(type, namespace, name), null, 0).kvs()) {
      ops.add(Op.delete(kv.key()));
    }
    return ops.isEmpty() ? TxnParts.NONE : new TxnParts(List.of(), ops);
  }

  /** Where the configurations of one object lived; the manager name followed ('/' as '_'). */
  static String prefix(ResourceType type, String namespace, String name) {
    return ROOT + type.key(namespace, name).substring("/registry".length()) + "/";
  }
}
