package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.registry.UnknownFields;
import io.gantry.control.server.resource.ResourceType;
import java.util.ArrayList;
import java.util.List;

/**
 * What a write does with fields that its kind does not have, by the request's
 * {@code fieldValidation}, as kube-apiserver does: {@code Strict} refuses the request with a 400
 * naming them, {@code Warn} (the default) accepts it with a {@code Warning} header per field, and
 * {@code Ignore} accepts it silently. The object is stored without them in every case.
 */
enum FieldValidation {
  IGNORE("Ignore"), WARN("Warn"), STRICT("Strict");

  private final String value;

  FieldValidation(String value) {
    this.value = value;
  }

  static FieldValidation of(ApiRequest request) throws ApiException {
    String asked = request.param("fieldValidation");
    if (asked == null || asked.isEmpty()) {
      return WARN;
    }
    for (FieldValidation v : values()) {
      if (v.value.equals(asked)) {
        return v;
      }
    }
    throw ApiException.badRequest("fieldValidation: Unsupported value: \"" + asked
        + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
  }

  /** Checks a whole object (create, update); returns the warnings to send. */
  List<String> checkObject(ResourceType type, JsonNode object) throws ApiException {
    return judge(type, this == IGNORE ? List.of() : UnknownFields.find(type, object));
  }

  /**
   * Checks what a patch turned {@code before} into: the unknown fields it added (so that fields
   * stored before they were checked do not count against a later patch); returns the warnings to send.
   */
  List<String> checkPatched(ResourceType type, JsonNode before, JsonNode after) throws ApiException {
    if (this == IGNORE) {
      return List.of();
    }
    List<UnknownFields.Field> added = new ArrayList<>(UnknownFields.find(type, after));
    added.removeAll(UnknownFields.find(type, before));
    return judge(type, added);
  }

  private List<String> judge(ResourceType type, List<UnknownFields.Field> unknown) throws ApiException {
    if (unknown.isEmpty()) {
      return List.of();
    }
    List<String> messages = new ArrayList<>();
    for (UnknownFields.Field field : unknown) {
      messages.add("unknown field \"" + field + "\"");
    }
    if (this == STRICT) {
      throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
          + type.kind() + ": strict decoding error: " + String.join(", ", messages));
    }
    return messages;
  }
}
