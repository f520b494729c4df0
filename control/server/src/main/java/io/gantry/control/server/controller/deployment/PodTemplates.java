package io.gantry.control.server.controller.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Pod template identity: the {@code pod-template-hash} and upstream's {@code EqualIgnoreHash}.
 *
 * <p>Templates are compared and hashed in a canonical JSON form (keys sorted; nulls, empty objects
 * and empty lists dropped, as Go's semantic equality treats nil and empty alike and as Go clients
 * send {@code creationTimestamp: null}). The hash is FNV-32a over that form (plus the collision
 * count, as upstream appends it), rendered with upstream's {@code SafeEncodeString} alphabet. It is
 * stable and deterministic but not bit-identical to Go's, which hashes Go's struct dump instead.
 */
public final class PodTemplates {

  /** The label that ties a ReplicaSet and its pods to one template. */
  public static final String HASH_LABEL = "pod-template-hash";

  private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private PodTemplates() {}

  /** The template's hash; {@code collisionCount} is the deployment's {@code status.collisionCount} or null. */
  public static String hash(JsonNode template, Integer collisionCount) {
    int hash = 0x811c9dc5;
    for (byte b : Json.string(canonical(template)).getBytes(StandardCharsets.UTF_8)) {
      hash = fnvStep(hash, b);
    }
    if (collisionCount != null) {
      int count = collisionCount;
      for (int i = 0; i < 8; i++) {
        hash = fnvStep(hash, (byte) (i < 4 ? count >>> (8 * i) : 0));
      }
    }
    String decimal = Long.toString(Integer.toUnsignedLong(hash));
    StringBuilder safe = new StringBuilder(decimal.length());
    for (char c : decimal.toCharArray()) {
      safe.append(SAFE_ALPHABET.charAt(c % SAFE_ALPHABET.length()));
    }
    return safe.toString();
  }

  private static int fnvStep(int hash, byte b) {
    return (hash ^ (b & 0xff)) * 0x01000193;
  }

  /** Whether two templates are the same apart from the {@value #HASH_LABEL} label. */
  public static boolean equalIgnoreHash(JsonNode a, JsonNode b) {
    return canonical(withoutHash(a)).equals(canonical(withoutHash(b)));
  }

  /** A copy of the template without the {@value #HASH_LABEL} label. */
  public static ObjectNode withoutHash(JsonNode template) {
    ObjectNode copy = template instanceof ObjectNode o ? o.deepCopy() : Json.object();
    if (copy.path("metadata").path("labels") instanceof ObjectNode labels) {
      labels.remove(HASH_LABEL);
    }
    return copy;
  }

  /** Sorted keys; nulls and empty containers dropped from objects (kept as list elements). */
  static JsonNode canonical(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      ObjectNode sorted = Json.object();
      for (String name : names) {
        JsonNode value = canonical(object.get(name));
        if (value.isNull() || (value.isContainerNode() && value.isEmpty())) {
          continue;
        }
        sorted.set(name, value);
      }
      return sorted;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = Json.MAPPER.createArrayNode();
      array.forEach(element -> copy.add(canonical(element)));
      return copy;
    }
    return node == null ? Json.MAPPER.nullNode() : node;
  }
}
