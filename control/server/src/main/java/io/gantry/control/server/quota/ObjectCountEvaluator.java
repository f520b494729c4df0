package io.gantry.control.server.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.ParsedQuantity;
import io.gantry.control.server.resource.ResourceType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code generic.NewObjectCountEvaluator}: every object counts one against {@code count/<resource>} (and
 * its legacy alias, {@code secrets} for Secrets), charged when it is created.
 */
final class ObjectCountEvaluator implements UsageEvaluator {

  private final ResourceType type;
  private final List<String> names;

  ObjectCountEvaluator(ResourceType type, String alias) {
    this.type = type;
    this.names = alias == null ? List.of(countName(type)) : List.of(countName(type), alias);
  }

  /** {@code ObjectCountQuotaResourceNameFor}: {@code count/pods}, {@code count/deployments.apps}. */
  static String countName(ResourceType type) {
    return "count/" + type.qualifiedName();
  }

  @Override
  public ResourceType type() {
    return type;
  }

  @Override
  public boolean accounts(String name) {
    return names.contains(name);
  }

  @Override
  public Map<String, ParsedQuantity> usage(JsonNode object, Instant now) {
    TreeMap<String, ParsedQuantity> out = new TreeMap<>();
    names.forEach(name -> out.put(name, ParsedQuantity.of(1)));
    return out;
  }
}
