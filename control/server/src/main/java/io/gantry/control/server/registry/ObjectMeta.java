package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
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

  /** Kubernetes timestamps: RFC 3339 in UTC with second precision. */
  public static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
