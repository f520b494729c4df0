package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.UnknownFields;
import io.gantry.control.server.resource.ResourceType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a write does with fields that its kind does not have, by the request's
 * {@code fieldValidation}, as kube-apiserver does: {@code Strict} refuses the request with a 400
 * naming them (and fields given twice), {@code Warn} (the default) accepts it with a {@code Warning}
 * header per field, and
 * {@code Ignore} accepts it silently. The object is stored without them in every case.
 */
enum FieldValidation {
  IGNORE("Ignore"), WARN("Warn"), STRICT("Strict");

  private final String value;

  FieldValidation(String value) {
    this.value = value;
  }

  /**
   * The level a write asks for; anything else is refused as ValidateFieldValidation refuses it.
   *
   * @param optionsKind the options type named in the error: CreateOptions, UpdateOptions or PatchOptions
   */
  static FieldValidation of(ApiRequest request, String optionsKind) throws ApiException {
    String asked = request.param("fieldValidation");
    if (asked == null || asked.isEmpty()) {
      return WARN;
    }
    for (FieldValidation v : values()) {
      if (v.value.equals(asked)) {
        return v;
      }
    }
    throw InvalidOptions.notSupported(optionsKind, "fieldValidation", Json.MAPPER.getNodeFactory().textNode(asked)
        .toString(), "\"\", \"Ignore\", \"Strict\", \"Warn\"");
  }

  /** Checks a whole object (create, update) sent in {@code request}; returns the warnings to send. */
  List<String> checkObject(ResourceType type, JsonNode object, ApiRequest request) throws ApiException {
    return this == IGNORE ? List.of() : judge(type, UnknownFields.find(type, object), request);
  }

  /**
   * Checks what a patch turned {@code before} into: the unknown fields it added (so that fields
   * stored before they were checked do not count against a later patch); returns the warnings to send.
   */
  List<String> checkPatched(ResourceType type, JsonNode before, JsonNode after, ApiRequest request)
      throws ApiException {
    if (this == IGNORE) {
      return List.of();
    }
    List<UnknownFields.Field> added = new ArrayList<>(UnknownFields.find(type, after));
    added.removeAll(UnknownFields.find(type, before));
    return judge(type, added, request);
  }

  private List<String> judge(ResourceType type, List<UnknownFields.Field> unknown, ApiRequest request)
      throws ApiException {
    List<String> messages = new ArrayList<>();
    for (UnknownFields.Field field : unknown) {
      messages.add("unknown field \"" + field + "\"");
    }
    for (String field : duplicates(request)) {
      messages.add("duplicate field \"" + field + "\"");
    }
    if (messages.isEmpty()) {
      return List.of();
    }
    if (this == STRICT) {
      throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
          + type.kind() + ": strict decoding error: " + String.join(", ", messages));
    }
    return messages;
  }

  /** A copy of a merge patch without its strategic merge directives ({@code $patch}, {@code $setElementOrder/...}). */
  static ObjectNode withoutDirectives(ObjectNode patch) {
    ObjectNode copy = patch.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.properties().removeIf(field -> field.getKey().startsWith("$"));
      object.forEach(FieldValidation::strip);
    } else if (node != null && node.isArray()) {
      node.forEach(FieldValidation::strip);
    }
  }

  /** Paths of the object keys that occur twice in a JSON or YAML body, in document order. */
  private static List<String> duplicates(ApiRequest request) {
    String type = RequestBodies.mediaType(request.contentType());
    JsonFactory factory;
    if (type.isEmpty() || type.equals("application/json") || type.endsWith("+json")) {
      factory = Json.MAPPER.getFactory();
    } else if (type.equals("application/yaml") || type.equals("application/apply-patch+yaml")) {
      factory = Json.YAML.getFactory();
    } else {
      return List.of();
    }
    List<String> found = new ArrayList<>();
    try (JsonParser parser = factory.createParser(request.body())) {
      if (parser.nextToken() != null) {
        value(parser, "", found);
      }
    } catch (IOException | RuntimeException e) {
      return found; // the body was decoded before; a parser limit here only ends the search
    }
    return found;
  }

  private static void value(JsonParser parser, String path, List<String> found) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      Set<String> seen = new HashSet<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        String child = path.isEmpty() ? name : path + "." + name;
        if (!seen.add(name)) {
          found.add(child);
        }
        parser.nextToken();
        value(parser, child, found);
      }
    } else if (token == JsonToken.START_ARRAY) {
      int i = 0;
      for (JsonToken next = parser.nextToken(); next != null && next != JsonToken.END_ARRAY; next = parser.nextToken()) {
        value(parser, path + "[" + i++ + "]", found);
      }
    }
  }
}
