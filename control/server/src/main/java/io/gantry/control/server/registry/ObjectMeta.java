package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Reads and writes the {@code metadata} fields the server manages, on JSON objects. */
public final class ObjectMeta {

  private ObjectMeta() {}

  public static ObjectNode metadata(ObjectNode object) {
    JsonNode metadata = object.get("metadata");
    if (metadata instanceof ObjectNode node) {
      return node;
    }
    return object.putObject("metadata");
  }

  public static String text(ObjectNode object, String field) {
    JsonNode metadata = object.get("metadata");
    if (metadata == null) {
      return "";
    }
    JsonNode value = metadata.get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }

  public static String name(ObjectNode object) {
    return text(object, "name");
  }

  public static String namespace(ObjectNode object) {
    return text(object, "namespace");
  }

  public static boolean isDeleting(ObjectNode object) {
    return !text(object, "deletionTimestamp").isEmpty();
  }

  public static boolean hasFinalizers(ObjectNode object) {
    JsonNode finalizers = metadata(object).get("finalizers");
    return finalizers != null && finalizers.isArray() && !finalizers.isEmpty();
  }

  public static boolean hasFinalizer(ObjectNode object, String finalizer) {
    for (JsonNode present : object.path("metadata").path("finalizers")) {
      if (finalizer.equals(present.asText())) {
        return true;
      }
    }
    return false;
  }

  /** Appends the finalizer (in place) unless the object has it. */
  public static void addFinalizer(ObjectNode object, String finalizer) {
    if (!hasFinalizer(object, finalizer)) {
      ObjectNode metadata = metadata(object);
      (metadata.get("finalizers") instanceof ArrayNode list ? list : metadata.putArray("finalizers")).add(finalizer);
    }
  }

  /** Removes the finalizer (in place), keeping the others in order. */
  public static void removeFinalizer(ObjectNode object, String finalizer) {
    ArrayNode kept = object.arrayNode();
    for (JsonNode present : object.path("metadata").path("finalizers")) {
      if (!finalizer.equals(present.asText())) {
        kept.add(present);
      }
    }
    metadata(object).set("finalizers", kept);
  }

  /** Kubernetes timestamps: RFC 3339 in UTC with second precision. */
  public static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
