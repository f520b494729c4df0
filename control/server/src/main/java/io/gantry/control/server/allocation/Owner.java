package io.gantry.control.server.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Who holds a reservation: the value of a reservation key. The uid tells a recreated object of the
 * same name from the one that held the slot before.
 *
 * @param kind      the owner's kind, such as {@code Service}
 * @param namespace its namespace, empty for cluster-scoped kinds
 * @param name      its name
 * @param uid       its {@code metadata.uid}
 */
public record Owner(String kind, String namespace, String name, String uid) {

  public Owner {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
  }

  /** The owner record of an object about to be written (its uid is already set). */
  public static Owner of(ResourceType type, ObjectNode object) {
    JsonNode metadata = object.path("metadata");
    return new Owner(type.kind(), metadata.path("namespace").asText(""), metadata.path("name").asText(""),
        metadata.path("uid").asText(""));
  }

  byte[] encode() {
    ObjectNode value = Json.object();
    value.put("kind", kind);
    if (!namespace.isEmpty()) {
      value.put("namespace", namespace);
    }
    value.put("name", name);
    value.put("uid", uid);
    return value.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The owner stored in a reservation value; empty when the value is not one. */
  static Optional<Owner> decode(byte[] value) {
    try {
      JsonNode node = Json.MAPPER.readTree(value);
      if (node == null || !node.isObject()) {
        return Optional.empty();
      }
      return Optional.of(new Owner(node.path("kind").asText(""), node.path("namespace").asText(""),
          node.path("name").asText(""), node.path("uid").asText("")));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether a stored reservation belongs to this object (same uid, or same name when uids are missing). */
  boolean holds(Owner stored) {
    if (!uid.isEmpty() && !stored.uid.isEmpty()) {
      return uid.equals(stored.uid);
    }
    return kind.equals(stored.kind) && namespace.equals(stored.namespace) && name.equals(stored.name);
  }

  @Override
  public String toString() {
    return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
  }
}
