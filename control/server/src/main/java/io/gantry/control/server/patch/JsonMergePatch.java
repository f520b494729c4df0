package io.gantry.control.server.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * JSON merge patch, RFC 7386: an object patch merges member by member, {@code null} removes a member,
 * any other value (arrays included) replaces the target whole.
 */
final class JsonMergePatch {

  private JsonMergePatch() {}

  /** Returns {@code target} patched; neither argument is modified. */
  static JsonNode apply(JsonNode target, JsonNode patch) {
    return mergeInto(target == null ? null : target.deepCopy(), patch);
  }

  /** Merges {@code patch} into {@code target}, which this may modify and return. */
  private static JsonNode mergeInto(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject()
        ? (ObjectNode) target
        : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> member : patch.properties()) {
      String name = member.getKey();
      JsonNode value = member.getValue();
      if (value.isNull()) {
        result.remove(name);
      } else {
        result.set(name, mergeInto(result.get(name), value));
      }
    }
    return result;
  }
}
