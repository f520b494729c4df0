package io.gantry.control.api.translate;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads {@code metadata} fields of Kubernetes objects in JSON form. */
final class Meta {

  private Meta() {}

  static String text(JsonNode object, String field) {
    JsonNode value = object.path("metadata").get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }

  static String name(JsonNode object) {
    return text(object, "name");
  }

  static String namespace(JsonNode object) {
    return text(object, "namespace");
  }
}
